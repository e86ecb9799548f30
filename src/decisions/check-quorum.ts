/**
 * Whether enough stakeholders have spoken for the owner to make a call, per the policy in rules/quorum.json.
 *
 * A requirement is "N distinct people speaking for role R whose latest position is one of `stances`". A person
 * speaks for the roles recorded with their position and fills at most one requirement slot, so one person who holds
 * two roles cannot make a quorum alone. A call against the recommendation raises the listed roles' requirements
 * to the `againstRecommendation` counts (it does not add to them).
 */
import { ConfigError } from '../common/errors';
import { SPEAKING_ROLES, STANCES, type DecisionState, type SpeakingRole, type Stance } from './decision-model';
import { URGENCIES, type CallOutcome, type Urgency } from '../risk/model';

export interface QuorumRequirement {
  role: SpeakingRole;
  count: number;
  /** Stances that count; defaults to agree and alternative ("need more info" is not yet a position). */
  stances?: Stance[];
}

export interface QuorumPolicy {
  byUrgency: Record<Urgency, QuorumRequirement[]>;
  againstRecommendation: QuorumRequirement[];
}

export interface RequirementStatus {
  role: SpeakingRole;
  count: number;
  stances: Stance[];
  /** People filling this requirement, in the order they spoke. */
  filledBy: string[];
  missing: number;
}

export interface QuorumResult {
  met: boolean;
  urgency: Urgency;
  againstRecommendation: boolean;
  requirements: RequirementStatus[];
  /** "security 1/1, network 0/1, sysadmin 1/1" — for the modal, the call message and the record. */
  summary: string;
}

const DEFAULT_STANCES: Stance[] = ['agree', 'alternative'];

export function checkQuorum(state: DecisionState, policy: QuorumPolicy, outcome: CallOutcome): QuorumResult {
  const urgency = state.assessment?.summary.urgency ?? 'immediate';
  const againstRecommendation = state.assessment !== undefined && outcome !== state.assessment.summary.recommendedCall;
  const merged = new Map<SpeakingRole, QuorumRequirement>();
  for (const r of policy.byUrgency[urgency]) merged.set(r.role, r);
  if (againstRecommendation) {
    for (const r of policy.againstRecommendation) {
      const current = merged.get(r.role);
      if (!current || r.count >= current.count) merged.set(r.role, r);
    }
  }
  const requirements = [...merged.values()].sort(
    (a, b) => SPEAKING_ROLES.indexOf(a.role) - SPEAKING_ROLES.indexOf(b.role),
  );
  const positions = Object.values(state.positions).sort((a, b) => a.seq - b.seq);

  // slots: one per person needed; people are matched to slots (bipartite matching) so the order of roles never matters
  const slots = requirements.flatMap((r, index) => Array.from({ length: r.count }, () => index));
  const eligible = (personIndex: number, slot: number): boolean => {
    const requirement = requirements[slots[slot]!]!;
    const position = positions[personIndex]!;
    return (
      position.roles.includes(requirement.role) && (requirement.stances ?? DEFAULT_STANCES).includes(position.stance)
    );
  };
  const slotOwner: (number | undefined)[] = slots.map(() => undefined);
  const tryAssign = (person: number, seen: boolean[]): boolean => {
    for (let slot = 0; slot < slots.length; slot++) {
      if (seen[slot] || !eligible(person, slot)) continue;
      seen[slot] = true;
      if (slotOwner[slot] === undefined || tryAssign(slotOwner[slot]!, seen)) {
        slotOwner[slot] = person;
        return true;
      }
    }
    return false;
  };
  positions.forEach((_, person) =>
    tryAssign(
      person,
      slots.map(() => false),
    ),
  );

  const statuses: RequirementStatus[] = requirements.map((r, index) => {
    const filledBy = slots
      .map((requirementIndex, slot) => (requirementIndex === index ? slotOwner[slot] : undefined))
      .filter((person): person is number => person !== undefined)
      .sort((a, b) => a - b)
      .map((person) => positions[person]!.userId);
    return {
      role: r.role,
      count: r.count,
      stances: r.stances ?? DEFAULT_STANCES,
      filledBy,
      missing: r.count - filledBy.length,
    };
  });
  const met = statuses.every((s) => s.missing === 0);
  const parts = statuses.map((s) => `${s.role} ${s.filledBy.length}/${s.count}`);
  const summary = `${met ? 'quorum met' : 'quorum not met'}${againstRecommendation ? ' (call against the recommendation)' : ''}: ${parts.length ? parts.join(', ') : 'no positions required'}`;
  return { met, urgency, againstRecommendation, requirements: statuses, summary };
}

/** Checks a policy read from rules/quorum.json; the message names the place that is wrong. */
export function validateQuorumPolicy(value: unknown, file: string): QuorumPolicy {
  const fail = (where: string, problem: string): never => {
    throw new ConfigError(`${file}: ${where}: ${problem}`);
  };
  if (typeof value !== 'object' || value === null) return fail('/', 'expected an object');
  const doc = value as { byUrgency?: unknown; againstRecommendation?: unknown };
  const requirementsAt = (list: unknown, where: string): QuorumRequirement[] => {
    if (!Array.isArray(list)) return fail(where, 'expected a list of requirements');
    return list.map((item: unknown, i) => {
      const r = item as Partial<QuorumRequirement> | null;
      const at = `${where}/${i}`;
      if (!r || !SPEAKING_ROLES.includes(r.role as SpeakingRole))
        fail(at, `role must be one of ${SPEAKING_ROLES.join(', ')}`);
      if (!Number.isInteger(r!.count) || r!.count! < 1) fail(at, 'count must be a whole number of at least 1');
      if (r!.stances !== undefined && (!Array.isArray(r!.stances) || r!.stances.some((s) => !STANCES.includes(s))))
        fail(at, `stances must list some of ${STANCES.join(', ')}`);
      return { role: r!.role!, count: r!.count!, ...(r!.stances ? { stances: r!.stances } : {}) };
    });
  };
  if (typeof doc.byUrgency !== 'object' || doc.byUrgency === null)
    return fail('/byUrgency', 'expected an object keyed by urgency');
  const byUrgency = Object.fromEntries(
    URGENCIES.map((urgency) => {
      const list = (doc.byUrgency as Record<string, unknown>)[urgency];
      if (list === undefined) fail(`/byUrgency/${urgency}`, 'missing (use [] for no requirement)');
      return [urgency, requirementsAt(list, `/byUrgency/${urgency}`)];
    }),
  ) as Record<Urgency, QuorumRequirement[]>;
  return {
    byUrgency,
    againstRecommendation: requirementsAt(doc.againstRecommendation ?? [], '/againstRecommendation'),
  };
}
