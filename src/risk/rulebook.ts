/** The rulebook as the risk stage uses it: validated rules, the policy and CERT/CC's Human Impact table. */
import type { TopLevelCondition } from 'json-rules-engine';
import type { Policy } from './policy';
import type { HumanImpactTable } from './human-impact-table';
import type { RuleEventType } from './ssvc-values';

export interface RuleDefinition {
  name: string;
  description?: string;
  priority: number;
  conditions: TopLevelCondition;
  event: { type: RuleEventType; params: Record<string, string> };
  /** The file the rule came from, for every message about it. */
  file: string;
}

export interface Rulebook {
  /** Where it was read from (the rules/ folder or $PATCHCALL_RULES). */
  dir: string;
  /** The rules folder's digest (every file that can change an outcome), for the decision snapshot. */
  digest: string;
  rules: RuleDefinition[];
  policy: Policy;
  humanImpact: HumanImpactTable;
}
