/**
 * The tamper-evident chain over the event log. Each event's hash covers the previous hash and the canonical
 * JSON of the event header with the SHA-256 of its payload (actor, at, payloadSha256, seq, stream, type), so a
 * changed, deleted, inserted or reordered event breaks every link after it. Hashing the payload's digest rather
 * than the payload lets an exported record show other decisions' events as header + digest only (redacted)
 * while every link stays checkable. Pure: used by the store, by `audit verify` and by exported records.
 */
import { hash as oneShotHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** An event as hashed. `payloadJson` is the payload's canonical JSON text, exactly as stored. */
export interface ChainedEvent {
  seq: number;
  at: string;
  actor: string;
  type: string;
  stream: string;
  payloadJson: string;
  prevHash: string;
  hash: string;
}

/** An event header as hashed: the payload is represented by its SHA-256 (hex) of the stored canonical text. */
export interface EventHeader {
  seq: number;
  at: string;
  actor: string;
  type: string;
  stream: string;
  payloadSha256: string;
}

// crypto.hash (Node >= 20.12) is several times faster than createHash() for small inputs: verification of a
// million-event chain is dominated by these two calls per event.
export function payloadDigest(payloadJson: string): string {
  return oneShotHash('sha256', payloadJson, 'hex');
}

/**
 * The canonical serialization of an event: the same bytes as
 * canonicalJson({actor, at, payloadSha256, seq, stream, type}), built by hand because it runs for every event.
 */
export function canonicalEventText(header: EventHeader): string {
  return (
    `{"actor":${JSON.stringify(header.actor)},"at":${JSON.stringify(header.at)},"payloadSha256":"${header.payloadSha256}",` +
    `"seq":${header.seq},"stream":${JSON.stringify(header.stream)},"type":${JSON.stringify(header.type)}}`
  );
}

export function headerHash(prevHash: string, header: EventHeader): string {
  return oneShotHash('sha256', prevHash + canonicalEventText(header), 'hex');
}

export function eventHash(prevHash: string, event: Omit<ChainedEvent, 'prevHash' | 'hash'>): string {
  const { payloadJson, ...rest } = event;
  return headerHash(prevHash, { ...rest, payloadSha256: payloadDigest(payloadJson) });
}

export type ChainVerdict =
  | { ok: true; count: number; headSeq: number; headHash: string }
  | { ok: false; count: number; brokenAt: number; problem: string; expected?: string; found?: string };

/**
 * Walks events in order. `startPrevHash`/`startSeq` let a partial chain (an exported decision) be checked
 * from the link it starts at.
 */
export class ChainVerifier {
  private prevHash: string;
  private expectedSeq: number | undefined;
  private count = 0;
  private broken: ChainVerdict | undefined;

  constructor(start: { prevHash?: string; seq?: number } = {}) {
    this.prevHash = start.prevHash ?? GENESIS_HASH;
    this.expectedSeq = start.seq;
  }

  /** Returns false once the chain is broken; further events are ignored. */
  add(event: ChainedEvent): boolean {
    return this.link(
      event.seq,
      event.at,
      event.actor,
      event.type,
      event.stream,
      payloadDigest(event.payloadJson),
      event.prevHash,
      event.hash,
    );
  }

  /** A link whose payload is known only by its digest (a redacted event in an export). */
  addHeader(header: EventHeader, prevHash: string, hash: string): boolean {
    return this.link(
      header.seq,
      header.at,
      header.actor,
      header.type,
      header.stream,
      header.payloadSha256,
      prevHash,
      hash,
    );
  }

  /** Positional on purpose: it runs once per event when a million-event log is verified. */
  link(
    seq: number,
    at: string,
    actor: string,
    type: string,
    stream: string,
    payloadSha256: string,
    prevHash: string,
    hash: string,
  ): boolean {
    if (this.broken) return false;
    if (this.expectedSeq !== undefined && seq !== this.expectedSeq) {
      return this.fail(
        seq,
        `sequence number ${seq} where ${this.expectedSeq} was expected (an event is missing, inserted or moved)`,
        String(this.expectedSeq),
        String(seq),
      );
    }
    if (prevHash !== this.prevHash) {
      return this.fail(
        seq,
        'previous-hash link does not match the hash of the event before it',
        this.prevHash,
        prevHash,
      );
    }
    const recomputed = headerHash(prevHash, { seq, at, actor, type, stream, payloadSha256 });
    if (recomputed !== hash)
      return this.fail(seq, 'event content does not match its hash (the event was changed)', recomputed, hash);
    this.prevHash = hash;
    this.expectedSeq = seq + 1;
    this.count++;
    return true;
  }

  private fail(seq: number, problem: string, expected?: string, found?: string): false {
    this.broken = { ok: false, count: this.count, brokenAt: seq, problem, expected, found };
    return false;
  }

  result(): ChainVerdict {
    if (this.broken) return this.broken;
    return { ok: true, count: this.count, headSeq: (this.expectedSeq ?? 1) - 1, headHash: this.prevHash };
  }
}
