/**
 * Ack latency benchmark: the real patchcall app (HTTP receiver, Slack stand-in, the MS08-067 seed imported) against
 * a bare Bolt app whose handlers only ack, under 50 concurrent signed `/patch status` commands and position clicks.
 * Prints p50/p99 per app and the ratio of p99s (target: patchcall ≤ 1.5 × bare). Run with `npm run bench:ack`.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import { openAppContext } from '../src/app/app-context';
import { importDocuments } from '../src/app/import-documents';
import { sniffDocument } from '../src/app/read-document';
import { projectRoot } from '../src/common/project-root';
import { createSlackApp } from '../src/slack/create-slack-app';
import { boltLogger, createLogger } from '../src/slack/logger';
import { readSlackConfig } from '../src/slack/slack-config';
import { startLocalSlackStandIn, type LocalSlackStandIn } from '../src/slack/local-slack-stand-in';
import { ActionIds } from '../src/slack/action-ids';

const SECRET = 'bench-signing-secret';
const CONCURRENCY = 50;
const REQUESTS = 400;
const WARMUP = 100;
const USER = 'U0BENCH01';

interface Target {
  name: string;
  url: string;
  stop: () => Promise<void>;
}

async function main(): Promise<void> {
  const standIn = await startLocalSlackStandIn();
  standIn.addUser({ id: USER, name: 'bench' });
  const channel = standIn.addChannel({ name: 'patch-desk', members: [USER, standIn.botUserId] });
  const seeded = seedDatabase();

  const bare = await startBareApp(standIn);
  const real = await startPatchcall(standIn, seeded.dbPath);
  const kinds: { label: string; body: () => { body: string; contentType: string } }[] = [
    { label: '/patch status', body: () => commandBody(standIn, channel, 'status') },
    { label: 'position click', body: () => clickBody(standIn, channel) },
  ];

  console.log(`seeded db: ${seeded.imported.join(', ') || '(nothing importable)'}${seeded.skipped.length ? `; skipped ${seeded.skipped.join(', ')}` : ''}`);
  console.log(`${REQUESTS} requests per run, ${CONCURRENCY} in flight, after ${WARMUP} warm-up requests\n`);
  try {
    for (const kind of kinds) {
      const results: Record<string, number[]> = {};
      // alternate the apps so neither always runs on a warmer machine
      for (const target of [bare, real, bare, real]) {
        await fire(target, kind.body, WARMUP);
        results[target.name] = [...(results[target.name] ?? []), ...(await fire(target, kind.body, REQUESTS / 2))];
      }
      const bareP99 = percentile(results[bare.name]!, 99);
      for (const target of [bare, real]) {
        const times = results[target.name]!;
        console.log(`${kind.label.padEnd(16)} ${target.name.padEnd(10)} p50 ${percentile(times, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(times, 99).toFixed(1).padStart(6)} ms`);
      }
      const ratio = percentile(results[real.name]!, 99) / bareP99;
      console.log(`${kind.label.padEnd(16)} p99 ratio patchcall/bare = ${ratio.toFixed(2)} (target ≤ 1.50) ${ratio <= 1.5 ? 'OK' : 'OVER'}\n`);
    }
  } finally {
    await real.stop();
    await bare.stop();
    await standIn.stop();
  }
}

function seedDatabase(): { dbPath: string; imported: string[]; skipped: string[] } {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'patchcall-bench-ack-')), 'patchcall.db');
  const ctx = openAppContext({ dbPath });
  const seedDir = join(projectRoot(), 'db', 'seed');
  const imported: string[] = [];
  const skipped: string[] = [];
  try {
    for (const name of readdirSync(seedDir).filter((n) => n !== 'README.md').sort()) {
      const bytes = readFileSync(join(seedDir, name));
      try {
        importDocuments(ctx, [{ doc: sniffDocument(name, bytes), bytes }], { actor: 'bench' });
        imported.push(name);
      } catch {
        skipped.push(name); // a format whose importer is still being written
      }
    }
  } finally {
    ctx.close();
  }
  return { dbPath, imported, skipped };
}

async function startPatchcall(standIn: LocalSlackStandIn, dbPath: string): Promise<Target> {
  const config = readSlackConfig({ SLACK_BOT_TOKEN: standIn.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: standIn.apiUrl, PORT: '0', PATCHCALL_DB: dbPath });
  const ctx = openAppContext({ dbPath });
  // warn-level lines would be the catch-all's (no product listener yet), not the cost of a real request
  const slackApp = await createSlackApp({ config, ctx, logger: createLogger({ level: 'error' }) });
  const port = await slackApp.start();
  return {
    name: 'patchcall',
    url: `http://127.0.0.1:${port}/slack/events`,
    stop: async () => {
      await slackApp.stop();
      ctx.close();
    },
  };
}

async function startBareApp(standIn: LocalSlackStandIn): Promise<Target> {
  const logger = boltLogger(createLogger({ level: 'warn' }));
  const app = new App({
    receiver: new HTTPReceiver({ signingSecret: SECRET, endpoints: '/slack/events', logger }),
    token: standIn.botToken,
    botId: standIn.botId,
    botUserId: standIn.botUserId,
    logger,
    clientOptions: { slackApiUrl: standIn.apiUrl },
  });
  app.command('/patch', async ({ ack }) => ack());
  app.action(/.*/, async ({ ack }) => ack());
  const server = (await app.start(0)) as Server;
  return {
    name: 'bare Bolt',
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    stop: async () => {
      const stopped = app.stop();
      server.closeAllConnections();
      await stopped;
    },
  };
}

/** Sends `count` signed requests, CONCURRENCY at a time; returns each one's time to response in ms. */
async function fire(target: Target, make: () => { body: string; contentType: string }, count: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const { body, contentType } = make();
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
      const started = performance.now();
      const res = await fetch(target.url, {
        method: 'POST',
        body,
        headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature },
      });
      await res.arrayBuffer();
      times.push(performance.now() - started);
      if (res.status !== 200) throw new Error(`${target.name} answered HTTP ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return times;
}

function commandBody(standIn: LocalSlackStandIn, channel: string, text: string): { body: string; contentType: string } {
  const form = new URLSearchParams({
    api_app_id: 'A0BENCH',
    team_id: standIn.teamId,
    team_domain: 'bench',
    channel_id: channel,
    channel_name: 'patch-desk',
    user_id: USER,
    user_name: 'bench',
    command: '/patch',
    text,
    response_url: standIn.responseUrl(),
    trigger_id: standIn.issueTriggerId(),
    is_enterprise_install: 'false',
  });
  return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
}

function clickBody(standIn: LocalSlackStandIn, channel: string): { body: string; contentType: string } {
  const payload = {
    type: 'block_actions',
    team: { id: standIn.teamId, domain: 'bench' },
    user: { id: USER, username: 'bench', name: 'bench', team_id: standIn.teamId },
    api_app_id: 'A0BENCH',
    trigger_id: standIn.issueTriggerId(),
    container: { type: 'message', message_ts: '1224763200.000100', channel_id: channel, is_ephemeral: false },
    channel: { id: channel, name: 'patch-desk' },
    message: { type: 'message', ts: '1224763200.000100', text: '' },
    response_url: standIn.responseUrl(),
    state: { values: {} },
    actions: [{ type: 'button', action_id: ActionIds.agree, block_id: 'decision_actions', value: 'bench', text: { type: 'plain_text', text: 'Agree' }, action_ts: `${Date.now() / 1000}` }],
  };
  return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: 'application/x-www-form-urlencoded' };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
