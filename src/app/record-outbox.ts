/**
 * The record outbox: posts the anchors and uploads the audit records the log asks for (src/audit/record-effects.ts
 * derives what is still to do), beside the decision outbox (src/app/slack-outbox.ts) and like it:
 * - each effect is performed by one worker at a time, under a lease with an expiry in the database;
 * - a post Slack cannot de-duplicate records its attempt first; after an unknown outcome the retry looks in Slack
 *   for what the attempt left (the anchor by its key in the message metadata, the file by its name and title);
 * - the outcome (the anchor's ts, the file id) is appended to the log; Slack's refusal too, and then it stops.
 */
import {
  pendingRecordEffects,
  RecordEffectEvents,
  recordEffectSubject,
  type AnchoredPayload,
  type AttemptedPayload,
  type EffectFailedPayload,
  type ExportRequestedPayload,
  type RecordEffect,
  type RecordEffectEvent,
  type UploadedPayload,
} from '../audit/record-effects';
import { DecisionEvents, type ExportedPayload } from '../decisions/decision-model';
import { ExportFilesStore } from '../store/export-files-store';
import type { AppContext } from './app-context';
import { anchorMessage, AUDIT_STREAM } from './audit-anchors';
import { appendDecisionEvent, loadDecision } from './decision-log';
import { committed } from './replica-write';
import { EffectRefused, EffectUnavailable, type OutboxLogger } from './slack-outbox';
import { SweepWorker, type SweepOptions } from './sweep-worker';

/** The Slack calls of the record effects (src/slack/record-effects-gateway.ts); failures as in SlackEffectsPort. */
export interface RecordEffectsPort {
  /** Posts the anchor with `key` in its metadata; resolves to its ts. */
  postAnchor(channel: string, text: string, key: string): Promise<string | undefined>;
  /** The ts of the bot's message carrying `key` in its metadata, if the channel has one. */
  findAnchor(channel: string, key: string): Promise<string | undefined>;
  /** Uploads a file into the channel; resolves to Slack's file id. */
  upload(channel: string, file: { name: string; title: string; content: string }): Promise<string | undefined>;
  /** The id of a file the bot shared in the channel under this name and title, if there is one. */
  findUpload(channel: string, file: { name: string; title: string }): Promise<string | undefined>;
}

export type ExportOutcome =
  | { kind: 'exported'; payload: ExportedPayload }
  | { kind: 'failed'; error: string; name?: string }
  | { kind: 'pending' };

export interface RecordOutboxOptions extends SweepOptions {
  logger?: OutboxLogger;
  /** Told when Slack refused an upload for good (the person who exported hears of it). */
  onExportFailed?: (request: ExportRequestedPayload, decisionId: string, error: string) => void | Promise<void>;
}

const EFFECT_TYPES = Object.values(RecordEffectEvents);

export class RecordOutbox extends SweepWorker {
  private readonly files: ExportFilesStore;
  private readonly backoff = new Map<string, { until: number; failures: number }>();

  constructor(
    private readonly ctx: AppContext,
    private readonly slack: RecordEffectsPort,
    private readonly options: RecordOutboxOptions = {},
  ) {
    super(ctx, options, 60_000);
    this.files = new ExportFilesStore(ctx.db);
  }

  /** What the record effects still to do are, as the log says now. */
  pending(): RecordEffect[] {
    return pendingRecordEffects(this.effectEvents());
  }

  /** Where an export stands: recorded as exported, refused by Slack, or still to do. */
  exportOutcome(decisionId: string, key: string): ExportOutcome {
    for (const event of this.ctx.events.read<{ key?: string }>({ stream: `decision:${decisionId}` })) {
      if (event.payload.key !== key) continue;
      if (event.type === DecisionEvents.exported)
        return { kind: 'exported', payload: event.payload as ExportedPayload };
      if (event.type === RecordEffectEvents.uploadFailed) {
        const failed = event.payload as EffectFailedPayload;
        return { kind: 'failed', error: failed.error, ...(failed.name ? { name: failed.name } : {}) };
      }
    }
    return { kind: 'pending' };
  }

  private effectEvents(): RecordEffectEvent[] {
    const events: (RecordEffectEvent & { seq: number })[] = [];
    for (const type of [...EFFECT_TYPES, DecisionEvents.exported]) events.push(...this.ctx.events.read({ type }));
    return events.sort((a, b) => a.seq - b.seq);
  }

  protected async run(): Promise<void> {
    try {
      // an effect done may make the next one due (the next file, then the export on the record): look again
      let progressed: boolean;
      do {
        this.dirty = false;
        progressed = false;
        const now = Date.now();
        for (const effect of this.pending()) {
          if (this.stopped) return;
          const subject = recordEffectSubject(effect);
          if ((this.backoff.get(subject)?.until ?? 0) > now) continue;
          // another worker holds it: it does it, or its lease runs out and the sweep looks again
          if (!(await this.leases.lease(subject, this.holder, this.leaseMs))) continue;
          try {
            // read again under the lease: another worker may have finished it in between
            const current = this.pending().find((e) => recordEffectSubject(e) === subject && e.kind === effect.kind);
            if (current) progressed = (await this.attempt(current, subject)) || progressed;
          } finally {
            await this.leases.release(subject, this.holder);
          }
        }
      } while ((this.dirty || progressed) && !this.stopped);
    } catch (error) {
      // a bug or a store failure: the sweep tries again; the log still says what to do
      this.options.logger?.warn({ err: (error as Error).message }, 'record outbox run failed');
    }
  }

  /** True when the effect is done or given up (something changed in the log). */
  private async attempt(effect: RecordEffect, subject: string): Promise<boolean> {
    try {
      await this.perform(effect);
      this.backoff.delete(subject);
      return true;
    } catch (error) {
      if (error instanceof EffectRefused) {
        await this.refused(effect, error.error);
        return true;
      }
      const failures = (this.backoff.get(subject)?.failures ?? 0) + 1;
      const retryAfter = error instanceof EffectUnavailable ? error.retryAfterMs : undefined;
      const delay = retryAfter ?? this.backoffMs(failures);
      this.backoff.set(subject, { until: Date.now() + delay, failures });
      this.options.logger?.warn(
        { effect: effect.kind, key: effect.key, err: (error as Error).message, retryInMs: delay },
        'record effect not done yet; retrying',
      );
      this.retryIn(delay);
      return false;
    }
  }

  private async perform(effect: RecordEffect): Promise<void> {
    switch (effect.kind) {
      case 'anchor': {
        const { request } = effect;
        const found = effect.look ? await this.slack.findAnchor(request.channel, effect.key) : undefined;
        if (!found && !effect.look)
          await this.appendAudit<AttemptedPayload>(RecordEffectEvents.anchorAttempted, { key: effect.key });
        const ts = found ?? (await this.slack.postAnchor(request.channel, anchorMessage(request), effect.key));
        await this.appendAudit<AnchoredPayload>(RecordEffectEvents.anchored, {
          seq: request.seq,
          hash: request.hash,
          channel: request.channel,
          reason: request.reason,
          key: effect.key,
          ...(ts ? { ts } : {}),
          ...(found ? { found: true } : {}),
        });
        return;
      }
      case 'upload': {
        const { file } = effect;
        // on a replica the bytes live in PostgreSQL, written with the request by whichever replica took it
        const content = this.files.get(file.sha256) ?? (await this.ctx.replica?.exportFile(file.sha256));
        if (content === undefined) throw new EffectRefused('file_content_missing');
        const found = effect.look ? await this.slack.findUpload(effect.channel, file) : undefined;
        if (!found && !effect.look)
          await this.appendDecision<AttemptedPayload>(effect.decisionId, RecordEffectEvents.uploadAttempted, 'system', {
            key: effect.key,
            name: file.name,
          });
        const fileId =
          found ?? (await this.slack.upload(effect.channel, { name: file.name, title: file.title, content }));
        await this.appendDecision<UploadedPayload>(effect.decisionId, RecordEffectEvents.uploaded, 'system', {
          key: effect.key,
          name: file.name,
          ...(fileId ? { fileId } : {}),
          ...(found ? { found: true } : {}),
        });
        return;
      }
      case 'record-export': {
        const { request } = effect;
        await this.appendDecision<ExportedPayload & { key: string }>(
          effect.decisionId,
          DecisionEvents.exported,
          request.userId,
          {
            userId: request.userId,
            channel: request.channel,
            files: request.files.map((f, i) => ({
              name: f.name,
              format: f.format,
              sha256: f.sha256,
              ...(effect.fileIds[i] ? { fileId: effect.fileIds[i] } : {}),
            })),
            coversThroughSeq: request.coversThroughSeq,
            key: effect.key,
          },
        );
        return;
      }
    }
  }

  private async refused(effect: RecordEffect, error: string): Promise<void> {
    this.options.logger?.warn({ effect: effect.kind, key: effect.key, error }, 'Slack refused a record effect');
    if (effect.kind === 'anchor') {
      await this.appendAudit<EffectFailedPayload>(RecordEffectEvents.anchorFailed, { key: effect.key, error });
      return;
    }
    const name = effect.kind === 'upload' ? effect.file.name : undefined;
    await this.appendDecision<EffectFailedPayload>(effect.decisionId, RecordEffectEvents.uploadFailed, 'system', {
      key: effect.key,
      ...(name ? { name } : {}),
      error,
    });
    const request = effect.kind === 'upload' ? this.requestOf(effect.decisionId, effect.key) : effect.request;
    if (request)
      await Promise.resolve(this.options.onExportFailed?.(request, effect.decisionId, error)).catch(() => undefined);
  }

  private requestOf(decisionId: string, key: string): ExportRequestedPayload | undefined {
    for (const event of this.ctx.events.read<ExportRequestedPayload>({
      stream: `decision:${decisionId}`,
      type: RecordEffectEvents.exportRequested,
    }))
      if (event.payload.key === key) return event.payload;
    return undefined;
  }

  private async appendAudit<P>(type: string, payload: P): Promise<void> {
    await committed(this.ctx, () => this.ctx.events.append({ type, stream: AUDIT_STREAM, actor: 'system', payload }));
  }

  private async appendDecision<P>(decisionId: string, type: string, actor: string, payload: P): Promise<void> {
    await committed(this.ctx, () =>
      appendDecisionEvent(this.ctx, loadDecision(this.ctx, decisionId), type, actor, payload),
    );
  }
}
