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
  /** sha256 over every file the rulebook was built from, for the decision snapshot. */
  digest: string;
  rules: RuleDefinition[];
  policy: Policy;
  humanImpact: HumanImpactTable;
}

/** The parsed files a rulebook is built from; reading them is the edge's job (src/app/load-rulebook.ts). */
export interface RulebookSource {
  dir: string;
  digest: string;
  ruleFiles: { file: string; json: unknown }[];
  policy: { file: string; json: unknown };
  humanImpactTable: { file: string; rows: Record<string, string>[] };
}
