/**
 * The Slack effects of the record: anchors of the chain head in the audit channel, and audit records uploaded
 * into a decision channel. Each is asked for by an event carrying an idempotency key; what is still to do is
 * derived here from the events alone, so every worker (and a restart) derives the same work.
 *
 * After an attempt whose outcome is unknown (a reply lost, a time-out), the retry looks in Slack first for what the
 * attempt may have left (the anchor by the key in its metadata, the upload by its file name and title), so a lost
 * reply never posts twice.
 */

export const RecordEffectEvents = {
  anchorRequested: 'audit.anchor-requested',
  anchorAttempted: 'audit.anchor-attempted',
  /** Also written, without a key, by anchors posted before they went through the outbox. */
  anchored: 'audit.anchored',
  anchorFailed: 'audit.anchor-failed',
  exportRequested: 'decision.export-requested',
  uploadAttempted: 'decision.upload-attempted',
  uploaded: 'decision.uploaded',
  uploadFailed: 'decision.upload-failed',
} as const;

export interface AnchorRequestedPayload {
  key: string;
  /** The chain head the anchor names (the last event before this request). */
  seq: number;
  hash: string;
  channel: string;
  reason: 'call' | 'daily';
  /** The time the anchor text states, fixed here so a retry posts the same text. */
  at: string;
  /** The installation's record-signing public key, published with the anchor. */
  publicKey?: string;
}

export interface AnchoredPayload {
  seq: number;
  hash: string;
  channel: string;
  ts?: string;
  reason: 'call' | 'daily';
  key?: string;
  /** Found in the channel after an unknown outcome, not posted again. */
  found?: boolean;
}

/** An attempt at a post Slack cannot de-duplicate: a retry first looks for what it may have left. */
export interface AttemptedPayload {
  key: string;
  /** The file, for uploads. */
  name?: string;
}

export interface EffectFailedPayload {
  key: string;
  name?: string;
  error: string;
}

export interface ExportFile {
  name: string;
  format: string;
  /** The title shown in Slack; it names the last event the record covers, which tells two exports apart. */
  title: string;
  /** The content is kept by digest beside the log (db/migrations/011), so a retry uploads the same bytes. */
  sha256: string;
}

export interface ExportRequestedPayload {
  key: string;
  userId: string;
  channel: string;
  coversThroughSeq: number;
  files: ExportFile[];
}

export interface UploadedPayload {
  key: string;
  name: string;
  fileId?: string;
  found?: boolean;
}

export type RecordEffect =
  | { kind: 'anchor'; key: string; request: AnchorRequestedPayload; look: boolean }
  | { kind: 'upload'; key: string; decisionId: string; channel: string; file: ExportFile; look: boolean }
  /** Every file is uploaded: the export goes on the record (decision.exported). */
  | { kind: 'record-export'; key: string; decisionId: string; request: ExportRequestedPayload; fileIds: string[] };

/** An event as this derivation reads it. */
export interface RecordEffectEvent {
  type: string;
  stream: string;
  payload: unknown;
}

/**
 * Every record effect still to do, in the order asked. An effect Slack refused for good is not retried; an export
 * with a refused file is never recorded as exported.
 */
export function pendingRecordEffects(events: Iterable<RecordEffectEvent>): RecordEffect[] {
  const anchors = new Map<string, { request: AnchorRequestedPayload; attempted: boolean; done: boolean }>();
  const requestedExports = new Map<
    string,
    {
      decisionId: string;
      request: ExportRequestedPayload;
      attempted: Set<string>;
      uploaded: Map<string, string>;
      failed: boolean;
      recorded: boolean;
    }
  >();
  for (const event of events) {
    const key = (event.payload as { key?: string }).key;
    if (key === undefined) continue;
    switch (event.type) {
      case RecordEffectEvents.anchorRequested:
        anchors.set(key, { request: event.payload as AnchorRequestedPayload, attempted: false, done: false });
        break;
      case RecordEffectEvents.anchorAttempted:
        if (anchors.has(key)) anchors.get(key)!.attempted = true;
        break;
      case RecordEffectEvents.anchored:
      case RecordEffectEvents.anchorFailed:
        if (anchors.has(key)) anchors.get(key)!.done = true;
        break;
      case RecordEffectEvents.exportRequested:
        requestedExports.set(key, {
          decisionId: event.stream.replace(/^decision:/, ''),
          request: event.payload as ExportRequestedPayload,
          attempted: new Set(),
          uploaded: new Map(),
          failed: false,
          recorded: false,
        });
        break;
      case RecordEffectEvents.uploadAttempted:
        requestedExports.get(key)?.attempted.add((event.payload as AttemptedPayload).name ?? '');
        break;
      case RecordEffectEvents.uploaded: {
        const p = event.payload as UploadedPayload;
        requestedExports.get(key)?.uploaded.set(p.name, p.fileId ?? '');
        break;
      }
      case RecordEffectEvents.uploadFailed:
        if (requestedExports.has(key)) requestedExports.get(key)!.failed = true;
        break;
      case 'decision.exported':
        if (requestedExports.has(key)) requestedExports.get(key)!.recorded = true;
        break;
    }
  }
  const effects: RecordEffect[] = [];
  for (const [key, anchor] of anchors)
    if (!anchor.done) effects.push({ kind: 'anchor', key, request: anchor.request, look: anchor.attempted });
  for (const [key, exp] of requestedExports) {
    if (exp.failed || exp.recorded) continue;
    const next = exp.request.files.find((f) => !exp.uploaded.has(f.name));
    if (next)
      effects.push({
        kind: 'upload',
        key,
        decisionId: exp.decisionId,
        channel: exp.request.channel,
        file: next,
        look: exp.attempted.has(next.name),
      });
    else
      effects.push({
        kind: 'record-export',
        key,
        decisionId: exp.decisionId,
        request: exp.request,
        fileIds: exp.request.files.map((f) => exp.uploaded.get(f.name) ?? ''),
      });
  }
  return effects;
}

/** The lease subject of an effect: one worker performs it at a time. */
export function recordEffectSubject(effect: RecordEffect): string {
  return effect.kind === 'anchor' ? `anchor:${effect.key}` : `export:${effect.key}`;
}

/** The audit timeline's sentence for an upload event of a decision, or undefined for another type. */
export function describeUploadEvent(type: string, payload: unknown): string | undefined {
  switch (type) {
    case RecordEffectEvents.exportRequested: {
      const p = payload as ExportRequestedPayload;
      return `asked for the audit record through event #${p.coversThroughSeq} to be uploaded: ${p.files.map((f) => `${f.name} (sha256 ${f.sha256.slice(0, 12)}…)`).join(', ')} (key ${p.key})`;
    }
    case RecordEffectEvents.uploadAttempted:
      return `began uploading ${(payload as AttemptedPayload).name ?? 'a file'} (key ${(payload as AttemptedPayload).key})`;
    case RecordEffectEvents.uploaded: {
      const p = payload as UploadedPayload;
      return `${p.found ? 'found' : 'uploaded'} ${p.name} in the channel${p.fileId ? ` (file ${p.fileId})` : ''}`;
    }
    case RecordEffectEvents.uploadFailed: {
      const p = payload as EffectFailedPayload;
      return `Slack refused the upload${p.name ? ` of ${p.name}` : ''} for good: ${p.error}`;
    }
    default:
      return undefined;
  }
}
