/**
 * What the risk/reward check produces: per asset, the SSVC facts (each with its source), the urgency, a deadline
 * with its reason and a readable explanation; for the bulletin, a plan of named steps and a recommended call.
 * The Slack card, the CLI and the audit record all render this one shape.
 */

export type Urgency = 'defer' | 'scheduled' | 'out-of-cycle' | 'immediate';
export const URGENCIES: Urgency[] = ['defer', 'scheduled', 'out-of-cycle', 'immediate'];

export type Exploitation = 'none' | 'public poc' | 'active';
export type SystemExposure = 'small' | 'controlled' | 'open';
export type Automatable = 'no' | 'yes';
export type HumanImpact = 'low' | 'medium' | 'high' | 'very high';
export type SafetyImpact = 'negligible' | 'marginal' | 'critical' | 'catastrophic';
export type MissionImpact = 'degraded' | 'mef support crippled' | 'mef failure' | 'mission failure';

/** A fact value with where it came from, in words a stakeholder reads ("CISA's SSVC record for CVE-2008-4250"). */
export interface FactWithSource<T = string | number | boolean> {
  value: T;
  source: string;
}

/** The call the decision owner can make; the plan recommends one of these. */
/** `establish`: some assets' exposure is unknown and nothing affected outranks finding out; never `defer` then. */
export type CallOutcome = 'patch-now' | 'waves' | 'mitigate-and-defer' | 'defer' | 'ask-provider' | 'establish';

export type PlanStepKind = 'patch-now' | 'patch-wave' | 'mitigate' | 'ask-provider' | 'defer' | 'establish';

export interface PlanStep {
  kind: PlanStepKind;
  /** "Wave 1: staging and non-critical", "Block tcp/445 at edge", "Ask Contoso Hosting to patch". */
  title: string;
  /** Asset names as the inventory gives them. */
  assets: string[];
  /** ISO 8601 date-time with offset. */
  startAt?: string;
  dueAt?: string;
  /** Why this step, and for provider requests the text to send. */
  details: string;
}

export interface Deadline {
  /** ISO 8601 date-time with offset. */
  dueAt: string;
  /** "KEV due date", "contract SLA: 30 days from release", "Immediate: 24 h". */
  reason: string;
}

export interface RuleTrace {
  rule: string;
  /** The conditions as evaluated, e.g. "exploitation = active". */
  conditions: string[];
}

export interface AssetVerdict {
  assetId: string;
  assetName: string;
  urgency: Urgency;
  facts: Record<string, FactWithSource>;
  deadline: Deadline;
  /** Sentences in the order a reader needs them. */
  explanation: string[];
  rulesFired: RuleTrace[];
  /** CISA BOD 26-04 remediation timeline, when the rulebook has those rules. */
  bodTimeline?: string;
  /** The urgency once the suggested mitigation is in place, when a what-if was supplied and it lowers it. */
  urgencyAfterMitigation?: Urgency;
}

export interface AssessmentSummary {
  counts: Record<Urgency, number>;
  /** The most urgent verdict across the assets. */
  urgency: Urgency;
  recommendedCall: CallOutcome;
  deadline: Deadline;
  /** One line for a Slack card. */
  headline: string;
  /** Assets whose standing could not be established, counted apart from the urgencies (possibly affected among them). */
  unknown?: { count: number; possiblyAffected: number; assets: { name: string; owner?: string; why: string }[] };
  reasons: string[];
}

export interface Assessment {
  bulletinId: string;
  assessedAt: string;
  /** Most urgent first. */
  verdicts: AssetVerdict[];
  plan: PlanStep[];
  summary: AssessmentSummary;
  /** sha256 of the rulebook the verdicts came from, for the decision snapshot. */
  rulebookDigest?: string;
}
