/**
 * A local stand-in for Slack's Web API: a real HTTP server on 127.0.0.1 that answers the methods patchcall calls
 * the way Slack does, keeps what a workspace would hold in memory, and records every call. Used by the tests and
 * by the offline demo only; the app never starts it itself, and it is never used when real Slack tokens are set.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { projectRoot } from '../src/common/project-root';
import { readRequestBody } from '../src/http/http-io';

export const STAND_IN_BOT_TOKEN = 'xoxb-stand-in-bot-token';
export const STAND_IN_APP_TOKEN = 'xapp-stand-in-app-token';

/** What Slack holds about a person, as users.info answers it. */
export interface StandInUser {
  id: string;
  name: string;
  real_name?: string;
  tz?: string;
  is_bot?: boolean;
  deleted?: boolean;
}

export interface StandInUsergroup {
  id: string;
  handle: string;
  name: string;
  users: string[];
}

export interface StandInMessage {
  ts: string;
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  reply_count?: number;
  files?: { id: string; name: string; title: string }[];
  edited?: { ts: string };
  metadata?: unknown;
}

/** A channel as the demo and tests read it back. */
export interface StandInChannelSnapshot {
  id: string;
  name: string;
  is_private: boolean;
  topic: string;
  members: string[];
  messages: StandInMessage[];
  pins: string[];
}

export interface StandInCall {
  method: string;
  args: Record<string, unknown>;
  at: Date;
  /** The `error` Slack answered, a fault that was injected, or undefined for success. */
  error?: string;
  fault?: StandInFault['kind'];
}

export interface StandInEphemeral {
  channel: string;
  user: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
}

export interface StandInView {
  id: string;
  hash: string;
  external_id?: string;
  view: Record<string, unknown>;
  user?: string;
}

export interface StandInFile {
  id: string;
  filename: string;
  length: number;
  title?: string;
  content?: Buffer;
}

export type StandInFault =
  | { kind: 'ratelimited'; retryAfterSeconds: number }
  | { kind: 'server_error'; status?: number }
  | { kind: 'hang' }
  | { kind: 'error'; error: string }
  /** Slack did the work, but the reply arrives only after `ms` (a client with a shorter time-out gives up). */
  | { kind: 'reply-late'; ms: number }
  /** Slack is slow: the work and the reply happen after `ms`. */
  | { kind: 'slow'; ms: number };

export interface StandInOptions {
  botToken?: string;
  appToken?: string;
  botUserId?: string;
  botId?: string;
  teamId?: string;
  /** How long a trigger id stays usable; Slack allows 3 seconds. */
  triggerTtlMs?: number;
  /** Where the OpenAPI spec and method docs live; defaults to the copies under test/fixtures/slack-api-spec. */
  specDir?: string;
  clock?: () => Date;
}

interface Channel {
  id: string;
  name: string;
  is_private: boolean;
  created: number;
  creator: string;
  topic: string;
  members: Set<string>;
  messages: StandInMessage[];
  pins: Set<string>;
}

interface MethodRules {
  required: string[];
  known: Set<string>;
}

class SlackError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

type Handler = (args: Record<string, unknown>, call: { token: string }) => Record<string, unknown>;

/** Fields whose form-encoded value is JSON (WebClient stringifies objects per field). */
const JSON_FIELDS = new Set(['blocks', 'view', 'files', 'attachments', 'metadata']);
const MAX_INVITES = 100;
const MAX_TOPIC = 250;
const MAX_MESSAGE_BLOCKS = 50;
const MAX_VIEW_BLOCKS = 100;
const MAX_TEXT = 40_000;
const BODY_LIMIT = 8 * 1024 * 1024;

export class LocalSlackStandIn {
  readonly botToken: string;
  readonly appToken: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;
  private readonly server: Server;
  private readonly clock: () => Date;
  private readonly triggerTtlMs: number;
  private readonly rules: Map<string, MethodRules>;
  private readonly handlers: Record<string, Handler>;
  private readonly recorded: StandInCall[] = [];
  private readonly faults = new Map<string, StandInFault[]>();
  private readonly randomFaults = new Map<string, { rate: number; fault: StandInFault }>();
  private random: () => number = Math.random;
  private readonly channelsById = new Map<string, Channel>();
  private readonly users = new Map<string, StandInUser>();
  private readonly usergroups = new Map<string, StandInUsergroup>();
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();
  private readonly viewsById = new Map<string, StandInView>();
  private readonly homeViews = new Map<string, StandInView>();
  private readonly filesById = new Map<string, StandInFile>();
  private readonly ephemeralMessages: StandInEphemeral[] = [];
  private readonly responseUrlPosts: { id: string; body: unknown }[] = [];
  private readonly hanging = new Set<ServerResponse>();
  /** Socket Mode: the app's WebSocket connections (apps.connections.open hands out their URL). */
  private readonly sockets = new WebSocketServer({ noServer: true });
  private nextSocket = 0;
  private readonly envelopeAcks = new Map<string, (payload: unknown) => void>();
  private lastTsMicros = 0;
  private idCounter = 0;
  private baseUrl = '';

  private constructor(options: StandInOptions) {
    this.botToken = options.botToken ?? STAND_IN_BOT_TOKEN;
    this.appToken = options.appToken ?? STAND_IN_APP_TOKEN;
    this.botUserId = options.botUserId ?? 'U0PATCHBOT';
    this.botId = options.botId ?? 'B0PATCHBOT';
    this.teamId = options.teamId ?? 'T0PATCHCALL';
    this.clock = options.clock ?? (() => new Date());
    this.triggerTtlMs = options.triggerTtlMs ?? 3000;
    this.rules = loadMethodRules(options.specDir ?? join(projectRoot(), 'test', 'fixtures', 'slack-api-spec'));
    this.handlers = this.buildHandlers();
    this.users.set(this.botUserId, { id: this.botUserId, name: 'patchcall', real_name: 'patchcall', is_bot: true });
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => {
      if (!new URL(req.url ?? '/', 'http://stand-in').pathname.startsWith('/link')) return socket.destroy();
      this.sockets.handleUpgrade(req, socket, head, (ws) => this.connected(ws));
    });
  }

  static async start(options: StandInOptions = {}): Promise<LocalSlackStandIn> {
    const standIn = new LocalSlackStandIn(options);
    await new Promise<void>((resolve, reject) => {
      standIn.server.once('error', reject);
      standIn.server.listen(0, '127.0.0.1', () => resolve());
    });
    standIn.baseUrl = `http://127.0.0.1:${(standIn.server.address() as AddressInfo).port}`;
    return standIn;
  }

  /** Base URL to give WebClient (`slackApiUrl`), ending in /api/. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  get origin(): string {
    return this.baseUrl;
  }

  /** The methods this stand-in answers. */
  get methods(): string[] {
    return Object.keys(this.handlers).sort();
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets.clients) ws.terminate();
    this.sockets.close();
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- seeding and reading back -------------------------------------------------------------------------

  addUser(user: StandInUser): void {
    this.users.set(user.id, user);
  }

  addUsergroup(group: StandInUsergroup): void {
    for (const id of group.users)
      if (!this.users.has(id)) throw new Error(`stand-in: user group ${group.id} lists unknown user ${id}`);
    this.usergroups.set(group.id, { ...group, users: [...group.users] });
  }

  /** Creates a channel as if a person had made it (the bot is not a member unless listed). */
  addChannel(channel: { name: string; is_private?: boolean; members?: string[] }): string {
    const created = this.createChannel(channel.name, channel.is_private ?? false, 'U0HUMAN');
    for (const member of channel.members ?? []) created.members.add(member);
    created.members.delete(this.botUserId);
    if (channel.members?.includes(this.botUserId)) created.members.add(this.botUserId);
    return created.id;
  }

  /** A trigger id as Slack puts into a slash command or interaction: single use, valid for 3 seconds. */
  issueTriggerId(): string {
    const id = `${Date.now()}.${this.nextId()}.${randomBytes(8).toString('hex')}`;
    this.triggers.set(id, { issuedAt: this.clock().getTime(), used: false });
    return id;
  }

  /** A response_url served by the stand-in; what is posted to it is kept for `responses()`. */
  responseUrl(): string {
    return `${this.baseUrl}/response/${this.nextId()}`;
  }

  calls(method?: string): StandInCall[] {
    return this.recorded.filter((call) => method === undefined || call.method === method);
  }

  clearCalls(): void {
    this.recorded.length = 0;
  }

  channel(idOrName: string): StandInChannelSnapshot | undefined {
    const channel = this.findChannel(idOrName);
    return channel ? snapshot(channel) : undefined;
  }

  channels(): StandInChannelSnapshot[] {
    return [...this.channelsById.values()].map(snapshot);
  }

  ephemerals(): StandInEphemeral[] {
    return [...this.ephemeralMessages];
  }

  views(): StandInView[] {
    return [...this.viewsById.values()];
  }

  /** The Home tab last published for a user. */
  homeView(user: string): StandInView | undefined {
    return this.homeViews.get(user);
  }

  files(): StandInFile[] {
    return [...this.filesById.values()];
  }

  responses(): { id: string; body: unknown }[] {
    return [...this.responseUrlPosts];
  }

  /** The next `times` calls of `method` answer with `fault` instead of doing the work. */
  failNext(method: string, fault: StandInFault, times = 1): void {
    const queue = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.faults.set(method, queue);
  }

  /** Drops the faults of `method` that no call has met yet. */
  clearFaults(method: string): void {
    this.faults.delete(method);
  }

  /**
   * From now on, each call of `method` answers with `fault` with probability `rate` (0 stops it). `random` makes a
   * run repeatable (benchmarks seed it).
   */
  failRandomly(method: string, rate: number, fault: StandInFault, random?: () => number): void {
    if (rate <= 0) this.randomFaults.delete(method);
    else this.randomFaults.set(method, { rate, fault });
    if (random) this.random = random;
  }

  // --- Socket Mode --------------------------------------------------------------------------------------------

  /** How many Socket Mode connections are open. */
  socketConnections(): number {
    return [...this.sockets.clients].filter((ws) => ws.readyState === ws.OPEN).length;
  }

  /**
   * Sends an envelope (`interactive`, `slash_commands` or `events_api`) over an open Socket Mode connection, as Slack
   * does, and resolves when the app acks it with the envelope id, or with `acked: false` after `timeoutMs` (Slack's
   * 3 seconds).
   */
  sendEnvelope(
    type: 'interactive' | 'slash_commands' | 'events_api',
    payload: Record<string, unknown>,
    timeoutMs = 3000,
  ): Promise<{ acked: boolean; payload?: unknown }> {
    // spread over the app's open connections, as Slack does with several (one per replica)
    const open = [...this.sockets.clients].filter((client) => client.readyState === client.OPEN);
    const ws = open[this.nextSocket++ % Math.max(1, open.length)];
    if (!ws) return Promise.resolve({ acked: false });
    const envelopeId = `${this.nextId()}-${randomBytes(4).toString('hex')}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.envelopeAcks.delete(envelopeId);
        resolve({ acked: false });
      }, timeoutMs);
      this.envelopeAcks.set(envelopeId, (ackPayload) => {
        clearTimeout(timer);
        resolve({ acked: true, payload: ackPayload });
      });
      ws.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
          ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}),
        }),
      );
    });
  }

  private connected(ws: WebSocket): void {
    ws.on('message', (data) => {
      let message: { envelope_id?: string; payload?: unknown };
      try {
        message = JSON.parse(String(data)) as typeof message;
      } catch {
        return;
      }
      if (message.envelope_id === undefined) return;
      this.recorded.push({ method: 'socket.ack', args: { envelope_id: message.envelope_id }, at: this.clock() });
      const ack = this.envelopeAcks.get(message.envelope_id);
      this.envelopeAcks.delete(message.envelope_id);
      ack?.(message.payload);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.clients.size,
        connection_info: { app_id: 'A0PATCHCALL' },
        debug_info: { host: 'stand-in', approximate_connection_time: 18060 },
      }),
    );
  }

  // --- HTTP ----------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', this.baseUrl);
      const body = await readRequestBody(req, BODY_LIMIT);
      if (req.method === 'POST' && url.pathname.startsWith('/api/'))
        return this.handleApi(url.pathname.slice(5), req, body, res);
      if (req.method === 'POST' && url.pathname.startsWith('/upload/'))
        return this.handleUpload(url.pathname.slice(8), req, body, res);
      if (req.method === 'POST' && url.pathname.startsWith('/response/')) {
        this.responseUrlPosts.push({ id: url.pathname.slice(10), body: parseMaybeJson(body.toString('utf8')) });
        return send(res, 200, 'ok', 'text/plain');
      }
      send(res, 404, { ok: false, error: 'unknown_method' });
    } catch (error) {
      send(res, 500, { ok: false, error: 'internal_error', detail: (error as Error).message });
    }
  }

  private handleApi(method: string, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    let args: Record<string, unknown>;
    try {
      args = parseArgs(req.headers['content-type'], body, new URL(req.url ?? '/', this.baseUrl).searchParams);
    } catch {
      return send(res, 200, { ok: false, error: 'invalid_json' });
    }
    const token = bearer(req.headers.authorization) ?? (typeof args.token === 'string' ? args.token : undefined);
    delete args.token;
    const call: StandInCall = { method, args, at: this.clock() };
    this.recorded.push(call);

    const randomFault = this.randomFaults.get(method);
    const fault =
      this.faults.get(method)?.shift() ??
      (randomFault && this.random() < randomFault.rate ? randomFault.fault : undefined);
    if (fault) {
      call.fault = fault.kind;
      switch (fault.kind) {
        case 'reply-late': {
          // the work is done now; only the answer is late
          const answer = this.answer(method, args, token, call);
          this.hanging.add(res);
          res.on('close', () => this.hanging.delete(res));
          setTimeout(() => answer(res), fault.ms).unref();
          return;
        }
        case 'slow':
          this.hanging.add(res);
          res.on('close', () => this.hanging.delete(res));
          setTimeout(() => this.answer(method, args, token, call)(res), fault.ms).unref();
          return;
        case 'ratelimited':
          res.setHeader('Retry-After', String(fault.retryAfterSeconds));
          return send(res, 429, { ok: false, error: 'ratelimited' });
        case 'server_error':
          return send(res, fault.status ?? 500, 'upstream failure', 'text/plain');
        case 'hang':
          this.hanging.add(res);
          res.on('close', () => this.hanging.delete(res));
          return;
        case 'error':
          call.error = fault.error;
          return send(res, 200, { ok: false, error: fault.error });
      }
    }

    this.answer(method, args, token, call)(res);
  }

  /** Does the method's work now and returns how to send its answer (at once, or later for a late reply). */
  private answer(
    method: string,
    args: Record<string, unknown>,
    token: string | undefined,
    call: StandInCall,
  ): (res: ServerResponse) => void {
    const failWith = (error: SlackError) => (res: ServerResponse) => this.fail(res, call, error);
    const handler = this.handlers[method];
    if (!handler) {
      call.error = 'unknown_method';
      return (res) => send(res, 200, { ok: false, error: 'unknown_method' });
    }
    const expected = method === 'apps.connections.open' ? this.appToken : this.botToken;
    if (token === undefined) return failWith(new SlackError('not_authed'));
    if (token !== expected) return failWith(new SlackError('invalid_auth'));
    const problems = this.checkArguments(method, args);
    if (problems.length)
      return failWith(new SlackError('invalid_arguments', { response_metadata: { messages: problems } }));
    try {
      const body = { ok: true, ...handler(args, { token }) };
      return (res) => send(res, 200, body);
    } catch (error) {
      if (error instanceof SlackError) return failWith(error);
      throw error;
    }
  }

  private fail(res: ServerResponse, call: StandInCall, error: SlackError): void {
    call.error = error.error;
    send(res, 200, { ok: false, error: error.error, ...error.extra });
  }

  private checkArguments(method: string, args: Record<string, unknown>): string[] {
    const rules = this.rules.get(method);
    if (!rules) return [];
    const problems: string[] = [];
    for (const name of rules.required)
      if (args[name] === undefined || args[name] === '') problems.push(`[ERROR] missing required field: ${name}`);
    for (const name of Object.keys(args)) if (!rules.known.has(name)) problems.push(`[ERROR] unknown field: ${name}`);
    return problems;
  }

  private handleUpload(fileId: string, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const file = this.filesById.get(fileId);
    this.recorded.push({ method: 'files.upload_url', args: { file_id: fileId, bytes: body.length }, at: this.clock() });
    if (!file || bearer(req.headers.authorization) !== this.botToken) return send(res, 403, 'forbidden', 'text/plain');
    file.content = uploadedBytes(req.headers['content-type'], body);
    send(res, 200, `OK - ${file.content.length}`, 'text/plain');
  }

  // --- methods ----------------------------------------------------------------------------------------------

  private buildHandlers(): Record<string, Handler> {
    return {
      ...this.appHandlers(),
      ...this.conversationHandlers(),
      ...this.messageHandlers(),
      ...this.viewHandlers(),
      ...this.peopleHandlers(),
      ...this.fileHandlers(),
    };
  }

  /** The app itself: its identity and the Socket Mode connection. */
  private appHandlers(): Record<string, Handler> {
    return {
      'auth.test': () => ({
        url: 'https://patchcall-standin.slack.com/',
        team: 'patchcall stand-in',
        user: 'patchcall',
        team_id: this.teamId,
        user_id: this.botUserId,
        bot_id: this.botId,
        is_enterprise_install: false,
      }),
      'apps.connections.open': () => ({ url: `${this.baseUrl.replace(/^http/, 'ws')}/link/?ticket=${this.nextId()}` }),
    };
  }

  /** Channels: creating, inviting, the topic, and reading them back. */
  private conversationHandlers(): Record<string, Handler> {
    return {
      'conversations.create': (args) => {
        const channel = this.createChannel(str(args.name), bool(args.is_private), this.botUserId);
        return { channel: channelInfo(channel) };
      },
      'conversations.open': (args) => {
        const users = str(args.users)
          .split(',')
          .map((u) => u.trim());
        if (users.length !== 1 || !this.users.has(users[0]!)) throw new SlackError('user_not_found');
        return { channel: { id: this.directChannel(users[0]!).id } };
      },
      'conversations.info': (args) => ({ channel: channelInfo(this.channelFor(args.channel)) }),
      'conversations.list': (args) => {
        const types = str(args.types || 'public_channel').split(',');
        const channels = [...this.channelsById.values()].filter(
          (c) => !c.id.startsWith('D') && types.includes(c.is_private ? 'private_channel' : 'public_channel'),
        );
        const limit = Math.min(Number(args.limit) || 100, 1000);
        const offset = args.cursor ? Number(Buffer.from(str(args.cursor), 'base64').toString('utf8')) || 0 : 0;
        const page = channels.slice(offset, offset + limit);
        const more = offset + limit < channels.length;
        return {
          channels: page.map(channelInfo),
          response_metadata: { next_cursor: more ? Buffer.from(String(offset + limit)).toString('base64') : '' },
        };
      },
      'conversations.invite': (args) => {
        const channel = this.channelFor(args.channel);
        this.requireMember(channel);
        const ids = str(args.users)
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean);
        if (ids.length === 0) throw new SlackError('no_user');
        if (ids.length > MAX_INVITES) throw new SlackError('too_many_users');
        const errors: { user: string; ok: false; error: string }[] = [];
        for (const id of ids) {
          if (id === this.botUserId) errors.push({ user: id, ok: false, error: 'cant_invite_self' });
          else if (!this.users.has(id)) errors.push({ user: id, ok: false, error: 'user_not_found' });
          else if (channel.members.has(id)) errors.push({ user: id, ok: false, error: 'already_in_channel' });
        }
        if (errors.length && !(bool(args.force) && errors.length < ids.length))
          throw new SlackError(errors[0]!.error, { errors });
        for (const id of ids) if (this.users.has(id)) channel.members.add(id);
        return { channel: channelInfo(channel), ...(errors.length ? { errors } : {}) };
      },
      'conversations.setTopic': (args) => {
        const channel = this.channelFor(args.channel);
        this.requireMember(channel);
        const topic = str(args.topic);
        if ([...topic].length > MAX_TOPIC) throw new SlackError('too_long');
        channel.topic = topic;
        return { channel: channelInfo(channel) };
      },
      'conversations.history': (args) => {
        const channel = this.channelFor(args.channel);
        this.requireMember(channel);
        const topLevel = channel.messages.filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts).reverse();
        // Slack returns message metadata only when asked for it
        const shown = bool(args.include_all_metadata) ? topLevel : topLevel.map(({ metadata: _m, ...rest }) => rest);
        return paginate(shown, args, 100, 999);
      },
      'conversations.replies': (args) => {
        const channel = this.channelFor(args.channel);
        this.requireMember(channel);
        const ts = str(args.ts);
        const parent = channel.messages.find((m) => m.ts === ts);
        if (!parent) throw new SlackError('thread_not_found');
        const thread = [parent, ...channel.messages.filter((m) => m.thread_ts === ts && m.ts !== ts)];
        return paginate(thread, args, 1000, 1000);
      },
    };
  }

  /** Messages: posting, updating, ephemeral notes, permalinks and pins. */
  private messageHandlers(): Record<string, Handler> {
    return {
      'chat.postMessage': (args) => {
        const channel = this.channelFor(args.channel);
        this.requireMember(channel);
        const message = this.newMessage(channel, args);
        return { channel: channel.id, ts: message.ts, message: { type: 'message', bot_id: this.botId, ...message } };
      },
      'chat.update': (args) => {
        const channel = this.channelFor(args.channel);
        const message = channel.messages.find((m) => m.ts === str(args.ts));
        if (!message) throw new SlackError('message_not_found');
        if (message.user !== this.botUserId) throw new SlackError('cant_update_message');
        checkContent(args, false);
        if (args.text !== undefined) message.text = str(args.text);
        if (args.blocks !== undefined) message.blocks = args.blocks as unknown[];
        message.edited = { ts: this.nextTs() };
        return { channel: channel.id, ts: message.ts, text: message.text, message: { ...message } };
      },
      'chat.postEphemeral': (args) => {
        const channel = this.channelFor(args.channel);
        this.requireMember(channel);
        const user = str(args.user);
        if (!channel.members.has(user)) throw new SlackError('user_not_in_channel');
        checkContent(args, true);
        this.ephemeralMessages.push({
          channel: channel.id,
          user,
          ...(args.text !== undefined ? { text: str(args.text) } : {}),
          ...(args.blocks !== undefined ? { blocks: args.blocks as unknown[] } : {}),
          ...(args.thread_ts !== undefined ? { thread_ts: str(args.thread_ts) } : {}),
        });
        return { message_ts: this.nextTs() };
      },
      'chat.getPermalink': (args) => {
        const channel = this.channelFor(args.channel);
        const ts = str(args.message_ts);
        if (!channel.messages.some((m) => m.ts === ts)) throw new SlackError('message_not_found');
        return {
          channel: channel.id,
          permalink: `https://patchcall-standin.slack.com/archives/${channel.id}/p${ts.replace('.', '')}`,
        };
      },
      'pins.add': (args) => {
        const channel = this.channelFor(args.channel);
        this.requireMember(channel);
        const ts = str(args.timestamp);
        if (!ts) throw new SlackError('no_item_specified');
        if (!channel.messages.some((m) => m.ts === ts)) throw new SlackError('message_not_found');
        if (channel.pins.has(ts)) throw new SlackError('already_pinned');
        channel.pins.add(ts);
        return {};
      },
    };
  }

  /** Modals and the App Home. */
  private viewHandlers(): Record<string, Handler> {
    return {
      'views.open': (args) => {
        this.useTrigger(str(args.trigger_id ?? args.interactivity_pointer));
        const view = this.checkView(args.view);
        const stored: StandInView = {
          id: `V${this.nextId()}`,
          hash: this.newHash(),
          view,
          ...(view.external_id ? { external_id: String(view.external_id) } : {}),
        };
        this.viewsById.set(stored.id, stored);
        return { view: viewInfo(stored, this.teamId) };
      },
      'views.push': (args) => {
        this.useTrigger(str(args.trigger_id ?? args.interactivity_pointer));
        const stored: StandInView = { id: `V${this.nextId()}`, hash: this.newHash(), view: this.checkView(args.view) };
        this.viewsById.set(stored.id, stored);
        return { view: viewInfo(stored, this.teamId) };
      },
      'views.update': (args) => {
        const stored =
          args.view_id !== undefined
            ? this.viewsById.get(str(args.view_id))
            : [...this.viewsById.values()].find(
                (v) => v.external_id !== undefined && v.external_id === str(args.external_id),
              );
        if (args.view_id === undefined && args.external_id === undefined) throw new SlackError('invalid_arguments');
        if (!stored) throw new SlackError('not_found');
        if (args.hash !== undefined && str(args.hash) !== stored.hash) throw new SlackError('hash_conflict');
        stored.view = this.checkView(args.view);
        stored.hash = this.newHash();
        return { view: viewInfo(stored, this.teamId) };
      },
      'views.publish': (args) => {
        const user = str(args.user_id);
        if (!this.users.has(user)) throw new SlackError('user_not_found');
        const view = this.checkView(args.view);
        if (view.type !== 'home')
          throw new SlackError('invalid_arguments', {
            response_metadata: { messages: ['[ERROR] views.publish takes a view of type home'] },
          });
        const stored: StandInView = {
          id: this.homeViews.get(user)?.id ?? `V${this.nextId()}`,
          hash: this.newHash(),
          view,
          user,
        };
        this.homeViews.set(user, stored);
        return { view: viewInfo(stored, this.teamId) };
      },
    };
  }

  /** People and user groups. */
  private peopleHandlers(): Record<string, Handler> {
    return {
      'usergroups.list': (args) => ({
        usergroups: [...this.usergroups.values()].map((g) => ({
          id: g.id,
          team_id: this.teamId,
          is_usergroup: true,
          handle: g.handle,
          name: g.name,
          date_delete: 0,
          user_count: g.users.length,
          ...(bool(args.include_users) ? { users: [...g.users] } : {}),
        })),
      }),
      'usergroups.users.list': (args) => {
        const group = this.usergroups.get(str(args.usergroup));
        if (!group) throw new SlackError('no_such_subteam');
        return { users: [...group.users] };
      },
      'users.info': (args) => {
        const user = this.users.get(str(args.user));
        if (!user) throw new SlackError('user_not_found');
        return { user: userInfo(user, this.teamId) };
      },
    };
  }

  /** Uploads (files.getUploadURLExternal, then the upload, then files.completeUploadExternal). */
  private fileHandlers(): Record<string, Handler> {
    return {
      'files.getUploadURLExternal': (args) => {
        const length = Number(args.length);
        if (!Number.isInteger(length) || length <= 0) throw new SlackError('missing_argument');
        const file: StandInFile = { id: `F${this.nextId()}`, filename: str(args.filename), length };
        this.filesById.set(file.id, file);
        return { upload_url: `${this.baseUrl}/upload/${file.id}`, file_id: file.id };
      },
      'files.completeUploadExternal': (args) => {
        const entries = args.files;
        if (!Array.isArray(entries) || entries.length === 0) throw new SlackError('invalid_arguments');
        const files = entries.map((entry: { id?: string; title?: string }) => {
          const file = this.filesById.get(String(entry.id));
          if (!file || file.content === undefined) throw new SlackError('file_not_found');
          file.title = entry.title ?? file.filename;
          return file;
        });
        const channelArg = args.channel_id ?? args.channels;
        if (channelArg !== undefined) {
          const channel = this.channelFor(channelArg);
          this.requireMember(channel);
          this.newMessage(channel, {
            text: args.initial_comment ?? '',
            ...(args.thread_ts !== undefined ? { thread_ts: args.thread_ts } : {}),
            files: files.map((f) => ({ id: f.id, name: f.filename, title: f.title ?? f.filename })),
          });
        }
        return {
          files: files.map((f) => ({ id: f.id, name: f.filename, title: f.title, size: f.content?.length ?? 0 })),
        };
      },
    };
  }

  // --- workspace state ----------------------------------------------------------------------------------

  private createChannel(name: string, isPrivate: boolean, creator: string): Channel {
    if (name === '') throw new SlackError('invalid_name_required');
    if ([...name].length > 80) throw new SlackError('invalid_name_maxlength');
    // Slack: "lowercase letters, numbers, hyphens, and underscores"
    if (/[^a-z0-9_-]/.test(name))
      throw new SlackError(
        /[A-Z]/.test(name) || /[^\x20-\x7e]/.test(name) ? 'invalid_name_specials' : 'invalid_name_punctuation',
      );
    if ([...this.channelsById.values()].some((c) => c.name === name)) throw new SlackError('name_taken');
    const channel: Channel = {
      id: `${isPrivate ? 'G' : 'C'}${this.nextId()}`,
      name,
      is_private: isPrivate,
      created: Math.floor(this.clock().getTime() / 1000),
      creator,
      topic: '',
      members: new Set([creator]),
      messages: [],
      pins: new Set(),
    };
    this.channelsById.set(channel.id, channel);
    return channel;
  }

  private findChannel(idOrName: string): Channel | undefined {
    const name = idOrName.replace(/^#/, '');
    return this.channelsById.get(idOrName) ?? [...this.channelsById.values()].find((c) => c.name === name);
  }

  private channelFor(value: unknown): Channel {
    // like Slack, a user id as the channel means the app's direct conversation with that person
    const channel = this.users.has(str(value)) ? this.directChannel(str(value)) : this.findChannel(str(value));
    if (!channel) throw new SlackError('channel_not_found');
    return channel;
  }

  /** The app's direct conversation (D…) with a person, opened on first use. */
  private directChannel(userId: string): Channel {
    const id = `D${userId.slice(1)}`;
    let channel = this.channelsById.get(id);
    if (!channel) {
      channel = {
        id,
        name: '',
        is_private: true,
        created: Math.floor(this.clock().getTime() / 1000),
        creator: userId,
        topic: '',
        members: new Set([userId, this.botUserId]),
        messages: [],
        pins: new Set(),
      };
      this.channelsById.set(id, channel);
    }
    return channel;
  }

  private requireMember(channel: Channel): void {
    if (!channel.members.has(this.botUserId)) throw new SlackError('not_in_channel');
  }

  private newMessage(channel: Channel, args: Record<string, unknown>): StandInMessage {
    if (args.files === undefined) checkContent(args, true);
    const threadTs = args.thread_ts !== undefined ? str(args.thread_ts) : undefined;
    const parent = threadTs !== undefined ? channel.messages.find((m) => m.ts === threadTs) : undefined;
    if (threadTs !== undefined && (!parent || (parent.thread_ts !== undefined && parent.thread_ts !== parent.ts)))
      throw new SlackError('thread_not_found');
    const message: StandInMessage = {
      ts: this.nextTs(),
      channel: channel.id,
      user: this.botUserId,
      text: args.text !== undefined ? str(args.text) : '',
      ...(args.blocks !== undefined ? { blocks: args.blocks as unknown[] } : {}),
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      ...(args.files !== undefined ? { files: args.files as StandInMessage['files'] } : {}),
      ...(args.metadata !== undefined ? { metadata: args.metadata } : {}),
    };
    if (parent) {
      parent.thread_ts = parent.ts;
      parent.reply_count = (parent.reply_count ?? 0) + 1;
    }
    channel.messages.push(message);
    return message;
  }

  private useTrigger(id: string): void {
    const trigger = this.triggers.get(id);
    if (!trigger) throw new SlackError('invalid_trigger_id');
    if (trigger.used) throw new SlackError('exchanged_trigger_id');
    if (this.clock().getTime() - trigger.issuedAt > this.triggerTtlMs) throw new SlackError('expired_trigger_id');
    trigger.used = true;
  }

  private checkView(value: unknown): Record<string, unknown> {
    if (typeof value !== 'object' || value === null) throw new SlackError('invalid_arguments');
    const view = value as Record<string, unknown>;
    if (Array.isArray(view.blocks) && view.blocks.length > MAX_VIEW_BLOCKS) throw new SlackError('view_too_large');
    if (!Array.isArray(view.blocks))
      throw new SlackError('invalid_arguments', {
        response_metadata: { messages: ['[ERROR] missing required field: blocks'] },
      });
    return view;
  }

  /** Slack timestamps: seconds, a dot and six digits, unique and increasing within a workspace. */
  private nextTs(): string {
    const micros = Math.max(this.clock().getTime() * 1000, this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  private nextId(): string {
    this.idCounter += 1;
    return `0${this.idCounter.toString(36).toUpperCase().padStart(7, '0')}`;
  }

  private newHash(): string {
    return `${Math.floor(this.clock().getTime() / 1000)}.${randomBytes(6).toString('hex')}`;
  }
}

/** Starts a stand-in on 127.0.0.1 on a free port. */
export function startLocalSlackStandIn(options: StandInOptions = {}): Promise<LocalSlackStandIn> {
  return LocalSlackStandIn.start(options);
}

/** Required and known argument names per method: from the OpenAPI spec, with the newer method docs taking precedence. */
export function loadMethodRules(specDir: string): Map<string, MethodRules> {
  const rules = new Map<string, MethodRules>();
  const specPath = join(specDir, 'slack_web_openapi_v2.json');
  if (existsSync(specPath)) {
    const spec = JSON.parse(readFileSync(specPath, 'utf8')) as {
      paths: Record<string, Record<string, { parameters?: { name: string; required?: boolean }[] }>>;
    };
    for (const [path, operations] of Object.entries(spec.paths)) {
      const params = Object.values(operations)
        .flatMap((op) => op.parameters ?? [])
        .filter((p) => p.name !== 'token');
      rules.set(path.replace(/^\//, ''), {
        required: params.filter((p) => p.required).map((p) => p.name),
        known: new Set(params.map((p) => p.name)),
      });
    }
  }
  for (const [method, doc] of Object.entries(loadMethodDocs(specDir))) {
    const args = Object.entries(doc.args ?? {}).filter(([name]) => name !== 'token');
    const previous = rules.get(method);
    rules.set(method, {
      required: args.filter(([, arg]) => arg.required).map(([name]) => name),
      known: new Set([...(previous?.known ?? []), ...args.map(([name]) => name)]),
    });
  }
  return rules;
}

export interface MethodDoc {
  args?: Record<string, { required?: boolean }>;
  scopes?: { bot?: { name: string }[]; app?: { name: string }[] };
}

/** Method docs by name: the scraped docs.slack.dev pages plus a supplement for methods they lack. */
export function loadMethodDocs(specDir: string): Record<string, MethodDoc> {
  const docs: Record<string, MethodDoc> = {};
  const dir = join(specDir, 'method-docs');
  if (existsSync(dir)) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')))
      docs[file.slice(0, -5)] = JSON.parse(readFileSync(join(dir, file), 'utf8')) as MethodDoc;
  }
  const supplement = join(specDir, 'method-docs-supplement.json');
  if (existsSync(supplement))
    Object.assign(docs, JSON.parse(readFileSync(supplement, 'utf8')) as Record<string, MethodDoc>);
  return docs;
}

function checkContent(args: Record<string, unknown>, required: boolean): void {
  if (required && args.text === undefined && args.blocks === undefined && args.attachments === undefined)
    throw new SlackError('no_text');
  if (args.blocks !== undefined && (!Array.isArray(args.blocks) || args.blocks.length > MAX_MESSAGE_BLOCKS))
    throw new SlackError('invalid_blocks');
  if (args.text !== undefined && str(args.text).length > MAX_TEXT) throw new SlackError('msg_too_long');
}

function paginate(
  items: StandInMessage[],
  args: Record<string, unknown>,
  defaultLimit: number,
  maxLimit: number,
): Record<string, unknown> {
  const limit = Math.min(args.limit !== undefined ? Number(args.limit) || defaultLimit : defaultLimit, maxLimit);
  let offset = 0;
  if (args.cursor !== undefined && args.cursor !== '') {
    const decoded = /^offset:(\d+)$/.exec(Buffer.from(str(args.cursor), 'base64').toString('utf8'));
    if (!decoded) throw new SlackError('invalid_cursor');
    offset = Number(decoded[1]);
  }
  const page = items.slice(offset, offset + limit);
  const hasMore = offset + limit < items.length;
  return {
    messages: page.map((m) => ({ type: 'message', ...m })),
    has_more: hasMore,
    response_metadata: { next_cursor: hasMore ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '' },
  };
}

function channelInfo(channel: Channel): Record<string, unknown> {
  return {
    id: channel.id,
    name: channel.name,
    is_channel: !channel.is_private,
    is_group: channel.is_private,
    is_private: channel.is_private,
    is_archived: false,
    is_member: true,
    created: channel.created,
    creator: channel.creator,
    topic: { value: channel.topic, creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
    num_members: channel.members.size,
  };
}

function viewInfo(stored: StandInView, teamId: string): Record<string, unknown> {
  return {
    ...stored.view,
    id: stored.id,
    team_id: teamId,
    hash: stored.hash,
    state: { values: {} },
    root_view_id: stored.id,
  };
}

function userInfo(user: StandInUser, teamId: string): Record<string, unknown> {
  return {
    id: user.id,
    team_id: teamId,
    name: user.name,
    real_name: user.real_name ?? user.name,
    deleted: user.deleted ?? false,
    is_bot: user.is_bot ?? false,
    tz: user.tz ?? 'Europe/London',
    profile: { real_name: user.real_name ?? user.name, display_name: user.name },
  };
}

function snapshot(channel: Channel): StandInChannelSnapshot {
  return {
    id: channel.id,
    name: channel.name,
    is_private: channel.is_private,
    topic: channel.topic,
    members: [...channel.members],
    messages: channel.messages.map((m) => ({ ...m })),
    pins: [...channel.pins],
  };
}

function parseArgs(contentType: string | undefined, body: Buffer, query: URLSearchParams): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of query) args[key] = value;
  const text = body.toString('utf8');
  if (contentType?.startsWith('application/json')) {
    if (text.trim() !== '') Object.assign(args, JSON.parse(text) as Record<string, unknown>);
    return args;
  }
  for (const [key, value] of new URLSearchParams(text)) args[key] = JSON_FIELDS.has(key) ? JSON.parse(value) : value;
  return args;
}

/** The file bytes of an upload: the first part of a multipart form, a `body`/`file` form field, or the raw body. */
function uploadedBytes(contentType: string | undefined, body: Buffer): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? '');
  if (contentType?.startsWith('multipart/form-data') && boundary) {
    const marker = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
    const start = body.indexOf(marker);
    const headerEnd = body.indexOf('\r\n\r\n', start);
    const end = body.indexOf(marker, headerEnd);
    if (start >= 0 && headerEnd >= 0 && end >= 0) return body.subarray(headerEnd + 4, end - 2);
  }
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(body.toString('utf8'));
    const value = form.get('body') ?? form.get('file');
    if (value !== null) return Buffer.from(value, 'utf8');
  }
  return body;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json; charset=utf-8',
): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function str(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

function bool(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}
