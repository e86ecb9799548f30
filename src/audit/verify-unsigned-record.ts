/**
 * Records exported before records were signed (version 1). Their chain links can still be walked, and what they show
 * of the decision — who took which position when, the call's outcome and rationale, the refusals, the timeline's
 * events, the exposure and the assessment — can still be derived again from the chained payloads and compared.
 * What they cannot show is that they are complete: without a signature over the record and the chain head, a
 * record cut short after any event, with its sections cut to match, looks like an older export. Names (resolved at
 * export), the timeline's sentences, the bulletin (read from the store at export), the Slack thread and the export
 * time and person are not bound to anything. So the answer is neither "ok" nor "broken": unsigned.
 */
import type { ChainSegment } from './chain-segment';
import { segmentSummary, verifyChainSegment } from './chain-segment';
import { deriveRecordSections } from './derive-record';

export interface UnsignedVerdict {
  ok: false;
  unsigned: true;
  /** `/signature`: what such a record lacks. */
  pointer: string;
  version: number;
  stream: string;
  streamEvents: number;
  count: number;
  firstSeq: number;
  headSeq: number;
  headHash: string;
  /** Sections whose facts were derived again from the chain and found equal. */
  checked: string[];
  /** What nothing binds in such a record. */
  notChecked: string[];
  problem: string;
}

export type UnsignedOutcome =
  UnsignedVerdict | { ok: false; stream: string; brokenAt?: number; pointer?: string; problem: string };

type Json = Record<string, unknown>;
const id = (person: unknown) => (person as { id?: unknown } | undefined)?.id;

/** The events behind a timeline entry, without the sentence and the name (both made at export). */
function entryFacts(entry: unknown): unknown {
  const e = entry as Json;
  return { seq: e.seq, at: e.at, actor: id(e.actor), type: e.type };
}

/** What a version 1 record shows of the decision that the chain can say too. */
function decisionFacts(decision: unknown): unknown {
  const d = (decision ?? {}) as Json;
  const call = d.call as Json | undefined;
  return {
    id: d.id,
    bulletinId: d.bulletinId,
    channel: d.channel,
    status: d.status,
    convenedAt: d.convenedAt,
    convenedBy: id(d.convenedBy),
    positions: ((d.positions ?? []) as Json[]).map((p) => ({
      person: id(p.person),
      roles: p.roles,
      stance: p.stance,
      comment: p.comment,
      at: p.at,
      eventSeq: p.eventSeq,
    })),
    refusals: ((d.refusals ?? []) as unknown[]).map(entryFacts),
    reminders: ((d.reminders ?? []) as unknown[]).map(entryFacts),
    call: call && {
      person: id(call.person),
      at: call.at,
      outcome: call.outcome,
      rationale: call.rationale,
      quorumMet: call.quorumMet,
      overrideReason: call.overrideReason,
      eventSeq: call.eventSeq,
    },
  };
}

const CHECKED: Record<string, (section: unknown) => unknown> = {
  '/decision': decisionFacts,
  '/exposures': (section) => section,
  '/assessment': (section) => section,
  '/timeline': (section) => ((section ?? []) as unknown[]).map(entryFacts),
};

const NOT_CHECKED = [
  'completeness (a record cut short after any event looks like an older export)',
  '/bulletin',
  '/exportedAt',
  '/exportedBy',
  '/slackThread',
  'the names shown',
  "the timeline's sentences",
];

export function verifyUnsignedRecord(
  record: Json,
  chain: ChainSegment,
  firstDifference: (shown: unknown, expected: unknown, pointer: string) => string | undefined,
): UnsignedOutcome {
  const stream = chain.stream;
  const links = verifyChainSegment(chain);
  if (!links.ok) return { ok: false, stream, brokenAt: links.brokenAt, problem: links.problem };
  // version 1 showed recorded values as written, as version 2 did
  const derived = JSON.parse(JSON.stringify(deriveRecordSections(chain, 'UTC', 2))) as Json;
  const checked: string[] = [];
  for (const [pointer, facts] of Object.entries(CHECKED)) {
    const key = pointer.slice(1);
    if (record[key] === undefined && derived[key] === undefined) continue;
    const difference = firstDifference(facts(record[key]), facts(derived[key]), pointer);
    if (difference !== undefined)
      return {
        ok: false,
        stream,
        pointer: difference,
        problem: `${difference} differs from what the chained events say`,
      };
    checked.push(pointer);
  }
  return {
    ok: false,
    unsigned: true,
    pointer: '/signature',
    version: Number(record.version),
    ...segmentSummary(chain, links),
    checked,
    notChecked: NOT_CHECKED,
    problem: `a version ${String(record.version)} record is not signed: nothing proves it complete; export it again from the database for a signed record`,
  };
}
