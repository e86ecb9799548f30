/**
 * Whom a decision concerns on the App Home. A person holds a role in a decision when its convening named them, or
 * when the roster and the user-group cache name them now (a new member of the security group owes a position as
 * soon as the role check would take it); the owner and the delegate may make the call. The same reading decides
 * what a person's Home shows and whose Home an appended event, a changed group or a passing deadline touches.
 */
import { rolesHeld } from './apply-roster-event';
import { ROLES, type DecisionState, type Role } from './decision-model';

export type CurrentMembers = Record<Role, string[]>;

export function noMembers(): CurrentMembers {
  return { security: [], network: [], sysadmin: [], owner: [], delegate: [] };
}

/** The roles `userId` holds in the decision: at its convening, or now. */
export function rolesInDecision(decision: DecisionState, userId: string, current: CurrentMembers): Role[] {
  return rolesHeld(userId, decision.members, current);
}

/** Everyone the decision concerns: whoever its convening named, and whoever holds a role now. */
export function decisionPeople(decision: DecisionState, current: CurrentMembers): string[] {
  if (decision.status === 'new') return [];
  return [...new Set(ROLES.flatMap((role) => [...decision.members[role], ...current[role]]))];
}

/** Everyone any decision concerns, and everyone shown a Home before (they opened the tab). */
export function homeAudience(decisions: DecisionState[], current: CurrentMembers, shownBefore: string[]): string[] {
  const people = new Set(shownBefore);
  for (const decision of decisions) for (const user of decisionPeople(decision, current)) people.add(user);
  return [...people].sort();
}

/** The people whose roles differ between two readings of the roster and the user-group cache. */
export function changedHolders(before: CurrentMembers, after: CurrentMembers): string[] {
  const changed = new Set<string>();
  for (const role of ROLES) {
    const was = new Set(before[role]);
    const is = new Set(after[role]);
    for (const user of was) if (!is.has(user)) changed.add(user);
    for (const user of is) if (!was.has(user)) changed.add(user);
  }
  return [...changed];
}

/**
 * Whether time alone changed what a Home shows of the decision between two instants: its deadline passed while no
 * call stands, or a plan step fell past due after the call.
 */
export function timePassedAMark(decision: DecisionState, from: Date, to: Date): boolean {
  const [low, high] = from <= to ? [from.getTime(), to.getTime()] : [to.getTime(), from.getTime()];
  const crossed = (iso: string | undefined) => iso !== undefined && Date.parse(iso) >= low && Date.parse(iso) < high;
  if (decision.status === 'open') return crossed(decision.assessment?.summary.deadline.dueAt);
  return (decision.assessment?.plan ?? []).some((step) => crossed(step.dueAt));
}
