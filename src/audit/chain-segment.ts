/**
 * A verifiable slice of the hash chain for an export: every link from the first to the last event of one
 * stream (a decision), with the payloads of that stream in full and every other event as header + payload
 * digest only. Checking it needs no database: the links prove nothing in between was changed, removed, added or
 * reordered, and a redacted link can never hide an event of the exported stream, because its stream is hashed.
 */
import { canonicalJson } from '../common/canonical-json';
import { ChainVerifier, payloadDigest, type ChainedEvent, type ChainVerdict, type EventHeader } from './hash-chain';

export interface ChainLink extends EventHeader {
  prevHash: string;
  hash: string;
  /** The payload, for events of the exported stream; absent (redacted) for the others. */
  payload?: unknown;
}

export interface ChainSegment {
  stream: string;
  links: ChainLink[];
}

/** Builds the segment from stored events (in sequence order, already cut to the span wanted). */
export function buildChainSegment(stream: string, events: Iterable<ChainedEvent>): ChainSegment {
  const links: ChainLink[] = [];
  for (const event of events) {
    const { payloadJson, ...rest } = event;
    const link: ChainLink = { ...rest, payloadSha256: payloadDigest(payloadJson) };
    if (event.stream === stream) link.payload = JSON.parse(payloadJson);
    links.push(link);
  }
  return { stream, links };
}

export type SegmentVerdict =
  | (ChainVerdict & { streamEvents: number })
  | { ok: false; count: number; brokenAt: number; problem: string; streamEvents: number };

export function verifyChainSegment(segment: ChainSegment): SegmentVerdict {
  const first = segment.links[0];
  if (!first) return { ok: false, count: 0, brokenAt: 0, problem: 'the record holds no events', streamEvents: 0 };
  const verifier = new ChainVerifier({ prevHash: first.prevHash, seq: first.seq });
  let streamEvents = 0;
  for (const link of segment.links) {
    const { payload, prevHash, hash, ...header } = link;
    if (link.stream === segment.stream) {
      if (payload === undefined) {
        return {
          ok: false,
          count: streamEvents,
          brokenAt: link.seq,
          problem: `event #${link.seq} of ${segment.stream} is redacted: the record is incomplete`,
          streamEvents,
        };
      }
      if (payloadDigest(canonicalJson(payload)) !== link.payloadSha256) {
        return {
          ok: false,
          count: streamEvents,
          brokenAt: link.seq,
          problem: `the payload of event #${link.seq} does not match its digest (it was changed)`,
          streamEvents,
        };
      }
      streamEvents++;
    } else if (payload !== undefined && payloadDigest(canonicalJson(payload)) !== link.payloadSha256) {
      return {
        ok: false,
        count: streamEvents,
        brokenAt: link.seq,
        problem: `the payload of event #${link.seq} does not match its digest (it was changed)`,
        streamEvents,
      };
    }
    if (!verifier.addHeader(header, prevHash, hash)) break;
  }
  return { ...verifier.result(), streamEvents };
}

/** What a segment whose links hold covers, as every verdict on a record reports it. */
export function segmentSummary(segment: ChainSegment, links: Extract<SegmentVerdict, { ok: true }>) {
  return {
    stream: segment.stream,
    streamEvents: links.streamEvents,
    count: links.count,
    firstSeq: segment.links[0]!.seq,
    headSeq: links.headSeq,
    headHash: links.headHash,
  };
}
