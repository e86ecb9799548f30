/**
 * The sections of an audit record that follow from the decision's chained events alone: the decision (positions
 * including superseded ones, refusals, the call), the people's names as recorded, the bulletin, exposure and
 * assessment as recorded at convening, the rules digest, the timeline and the decision's state at its last event.
 * The export builds these sections with this function and `audit verify --export` calls it again on the record's
 * own chain and compares: what the record shows is what the chained events say.
 */
import { foldDecision } from '../decisions/apply-decision-event';
import {
  DecisionEvents,
  type CalledPayload,
  type ConvenedPayload,
  type DecisionEvent,
  type DecisionSnapshot,
  type PeopleNamedPayload,
  type PositionPayload,
} from '../decisions/decision-model';
import type { AuditRecord, NamedPerson, PersonRef, RecordedRules, TimelineEntry } from './audit-record';
import type { ChainSegment } from './chain-segment';
import { describeDecisionEvent } from './describe-decision-event';
import { isRehearsal } from '../common/simulated-clock';

export type DerivedSections = Pick<
  AuditRecord,
  'decision' | 'people' | 'exposures' | 'assessment' | 'bulletin' | 'rules' | 'timeline' | 'decisionAtHead'
>;

/** JSON pointers of the sections derived from the chain (the bulletin only when the convened event carries it). */
export function derivedPointers(sections: DerivedSections): string[] {
  return [
    '/decision',
    '/people',
    '/exposures',
    '/assessment',
    '/bulletin',
    '/rules',
    '/timeline',
    '/decisionAtHead',
  ].filter((pointer) => sections[pointer.slice(1) as keyof DerivedSections] !== undefined);
}

/** The decision's own events in the segment, in order, as the fold reads them. */
export function streamEvents(segment: ChainSegment): DecisionEvent[] {
  return segment.links
    .filter((link) => link.stream === segment.stream && link.payload !== undefined)
    .map((link) => ({ seq: link.seq, at: link.at, actor: link.actor, type: link.type, payload: link.payload }));
}

function withoutKey(event: DecisionEvent): DecisionEvent {
  const payload = event.payload as { key?: unknown } | null;
  if (!payload || typeof payload !== 'object' || !('key' in payload)) return event;
  return { ...event, payload: { ...payload, key: '' } };
}

/** Who each id was, as the log recorded it before an event (or, before any naming, as first recorded). */
export class NameBook {
  private readonly byId = new Map<string, NamedPerson[]>();
  readonly people: NamedPerson[] = [];

  constructor(events: DecisionEvent[]) {
    for (const event of events) {
      if (event.type !== DecisionEvents.peopleNamed) continue;
      for (const p of (event.payload as PeopleNamedPayload).people) {
        const named: NamedPerson = {
          id: p.userId,
          name: p.name,
          ...(p.handle ? { handle: p.handle } : {}),
          source: p.source,
          eventSeq: event.seq,
        };
        this.people.push(named);
        const list = this.byId.get(p.userId) ?? [];
        list.push(named);
        this.byId.set(p.userId, list);
      }
    }
  }

  /** The name and handle in effect at event `seq`. */
  at(id: string, seq: number): PersonRef {
    const names = this.byId.get(id);
    if (!names?.length) return { id };
    let chosen = names[0]!;
    for (const named of names) if (named.eventSeq <= seq) chosen = named;
    return { id, name: chosen.name, ...(chosen.handle ? { handle: chosen.handle } : {}) };
  }

  /** The latest name and handle recorded, for who exported. */
  latest(id: string): PersonRef {
    return this.at(id, Number.MAX_SAFE_INTEGER);
  }
}

export function deriveRecordSections(segment: ChainSegment, timeZone: string): DerivedSections {
  const events = streamEvents(segment);
  const id = segment.stream.replace(/^decision:/, '');
  // idempotency keys play no part in the record; folding without them keeps the fold linear in the events
  const state = foldDecision(id, events.map(withoutKey));
  const names = new NameBook(events);
  const convened = events.find((e) => e.type === DecisionEvents.convened);
  const convenedPayload = convened?.payload as ConvenedPayload | undefined;
  const calledEvent = state.call ? events.find((e) => e.type === DecisionEvents.called) : undefined;
  const context = { timeZone, deadline: convenedPayload?.assessment?.summary?.deadline?.dueAt };
  const entry = (e: DecisionEvent): TimelineEntry => ({
    seq: e.seq,
    at: e.at,
    actor: names.at(e.actor, e.seq),
    type: e.type,
    summary: (isRehearsal(e.payload) ? 'rehearsal: ' : '') + describeDecisionEvent(e.type, e.payload, context),
  });
  const last = events[events.length - 1];
  const rules = recordedRules(state.call?.snapshot ?? convenedPayload?.snapshot);

  return {
    decision: {
      id: state.id,
      bulletinId: state.bulletinId,
      ...(state.channel ? { channel: state.channel.name } : {}),
      status: state.status,
      ...(state.convenedAt ? { convenedAt: state.convenedAt } : {}),
      ...(state.convenedBy && convened ? { convenedBy: names.at(state.convenedBy, convened.seq) } : {}),
      // every position ever taken, not only the latest per person: a changed mind is part of the record
      positions: events
        .filter((e) => e.type === DecisionEvents.positionRecorded)
        .map((e) => {
          const p = e.payload as PositionPayload;
          return {
            person: names.at(p.userId, e.seq),
            roles: p.roles,
            stance: p.stance,
            ...(p.comment !== undefined ? { comment: p.comment } : {}),
            at: e.at,
            eventSeq: e.seq,
          };
        }),
      refusals: events.filter((e) => e.type === DecisionEvents.refused).map(entry),
      reminders: events.filter((e) => e.type.startsWith('decision.reminder')).map(entry),
      ...(state.call && calledEvent
        ? {
            call: {
              person: names.at(state.call.by, calledEvent.seq),
              as: state.call.as,
              at: state.call.at,
              outcome: state.call.outcome,
              recommendedCall: state.call.recommendedCall,
              rationale: state.call.rationale,
              quorumMet: state.call.quorumMet,
              quorumSummary: state.call.quorumSummary,
              ...(state.call.overrideReason !== undefined ? { overrideReason: state.call.overrideReason } : {}),
              eventSeq: calledEvent.seq,
              snapshot: { ...(calledEvent.payload as CalledPayload).snapshot },
            },
          }
        : {}),
    },
    people: names.people,
    ...(convenedPayload?.bulletinAsKnown ? { bulletin: convenedPayload.bulletinAsKnown } : {}),
    exposures: state.exposures,
    ...(state.assessment ? { assessment: state.assessment } : {}),
    ...(rules ? { rules } : {}),
    timeline: events.map(entry),
    decisionAtHead: { status: state.status, lastSeq: last?.seq ?? 0, events: events.length },
  };
}

/**
 * The rules the decision was made on. Snapshots taken before the whole rules folder was digested hold the
 * rulebook's digest only, and say so.
 */
function recordedRules(snapshot: DecisionSnapshot | undefined): RecordedRules | undefined {
  if (!snapshot) return undefined;
  if (snapshot.rulesDigest)
    return {
      digest: snapshot.rulesDigest,
      files: snapshot.rulesFiles ?? [],
      covers:
        'the whole rules folder: every file in it that can change a verdict, an exposure, a deadline or a quorum, each listed with its own digest',
    };
  if (!snapshot.rulebookHash) return undefined;
  return {
    digest: snapshot.rulebookHash,
    files: [],
    covers:
      'rules/rulebook/*.json only (recorded before the whole rules folder was digested; policy, exposure, quorum and service-port files are not covered)',
  };
}

/** Parts of a record that hold the others together rather than show something. */
const FRAME = new Set(['format', 'version', 'chain', 'signature', 'coverage']);

/** The record's sections the chain does not derive: covered by the signature only. */
export function uncoveredPointers(record: object, fromChain: string[]): string[] {
  return Object.keys(record)
    .filter((key) => !FRAME.has(key) && !fromChain.includes(`/${key}`))
    .map((key) => `/${key}`)
    .sort();
}
