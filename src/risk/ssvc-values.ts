/** The SSVC decision points the rulebook may read, with their official values in order from least to most severe. */
import type { Automatable, Exploitation, HumanImpact, MissionImpact, SafetyImpact, SystemExposure } from './model';

export const EXPLOITATION: Exploitation[] = ['none', 'public poc', 'active'];
export const SYSTEM_EXPOSURE: SystemExposure[] = ['small', 'controlled', 'open'];
export const AUTOMATABLE: Automatable[] = ['no', 'yes'];
export const HUMAN_IMPACT: HumanImpact[] = ['low', 'medium', 'high', 'very high'];
export const SAFETY_IMPACT: SafetyImpact[] = ['negligible', 'marginal', 'critical', 'catastrophic'];
export const MISSION_IMPACT: MissionImpact[] = ['degraded', 'mef support crippled', 'mef failure', 'mission failure'];
export type YesNo = 'no' | 'yes';
export type TechnicalImpact = 'partial' | 'total';
export const YES_NO: YesNo[] = ['no', 'yes'];
export const TECHNICAL_IMPACT: TechnicalImpact[] = ['partial', 'total'];

export type BodTimeline =
  'fix on system upgrade' | '60 days' | '14 days' | '3 days' | '3 days & forensic investigation';
export const BOD_TIMELINES: BodTimeline[] = [
  'fix on system upgrade',
  '60 days',
  '14 days',
  '3 days',
  '3 days & forensic investigation',
];

/** The facts a rule may name, each with its domain. A rule naming anything else is refused at load time. */
export const RULE_FACTS = {
  exploitation: EXPLOITATION,
  systemExposure: SYSTEM_EXPOSURE,
  automatable: AUTOMATABLE,
  humanImpact: HUMAN_IMPACT,
  safetyImpact: SAFETY_IMPACT,
  missionImpact: MISSION_IMPACT,
  inKev: YES_NO,
  publiclyExposed: YES_NO,
  technicalImpact: TECHNICAL_IMPACT,
} as const satisfies Record<string, readonly string[]>;

export type RuleFactName = keyof typeof RULE_FACTS;
export const RULE_FACT_NAMES = Object.keys(RULE_FACTS) as RuleFactName[];

/** One value per rule fact: what the engine runs on for one (bulletin, asset) combination. */
export interface SsvcInputs {
  exploitation: Exploitation;
  systemExposure: SystemExposure;
  automatable: Automatable;
  humanImpact: HumanImpact;
  safetyImpact: SafetyImpact;
  missionImpact: MissionImpact;
  inKev: YesNo;
  publiclyExposed: YesNo;
  technicalImpact: TechnicalImpact;
}

/** The outcomes a rule's event may set: `urgency` (SSVC Deployer) and `bod-26-04` (CISA remediation timeline). */
export const RULE_EVENTS = {
  urgency: { param: 'urgency', values: ['defer', 'scheduled', 'out-of-cycle', 'immediate'] },
  'bod-26-04': { param: 'timeline', values: BOD_TIMELINES },
} as const;

export type RuleEventType = keyof typeof RULE_EVENTS;
export const RULE_EVENT_TYPES = Object.keys(RULE_EVENTS) as RuleEventType[];

export function rank<T extends string>(order: readonly T[], value: T): number {
  return order.indexOf(value);
}
