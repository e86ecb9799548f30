/** Words people read for the product's enum values, shared by every Slack view. */
import type { Role, Stance } from '../../decisions/decision-model';
import type { CallOutcome, Urgency } from '../../risk/model';
import { formatTime as formatInZone } from '../../common/time-format';

export const OUTCOME_LABELS: Record<CallOutcome, string> = {
  'patch-now': 'Patch now',
  waves: 'Patch in waves as planned',
  'mitigate-and-defer': 'Mitigate and defer',
  defer: 'Defer',
  'ask-provider': 'Ask the provider',
  establish: 'Establish exposure first',
};

export const STANCE_LABELS: Record<Stance, string> = {
  agree: 'agrees',
  alternative: 'proposes an alternative',
  'more-info': 'needs more information',
};

/** The same stances said to the person who took them: "Recorded: you agree". */
export const YOUR_STANCE_LABELS: Record<Stance, string> = {
  agree: 'agree',
  alternative: 'propose an alternative',
  'more-info': 'need more information',
};

export const ROLE_LABELS: Record<Role, string> = {
  security: 'Security',
  network: 'Network',
  sysadmin: 'Sysadmins',
  owner: 'Decision owner',
  delegate: 'Delegate',
};

export const URGENCY_LABELS: Record<Urgency, string> = {
  immediate: 'Immediate',
  'out-of-cycle': 'Out-of-cycle',
  scheduled: 'Scheduled',
  defer: 'Defer',
};

/** `Fri 24 Oct 2008 20:30 CEST (18:30 UTC)`: the one clock every surface shows (src/common/time-format.ts). */
export function formatTime(iso: string, timeZone: string): string {
  return formatInZone(iso, timeZone);
}
