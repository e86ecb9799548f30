/**
 * Rulebook cases: named fact combinations with the outcome an organization expects, run through the rulebook
 * like a unit test (`patchcall rules test`). A mismatch names the case, the field, both values and the rules.
 */
import { InputError } from '../common/errors';
import { humanImpactOf } from './human-impact-table';
import type { Rulebook } from './rulebook';
import { RuleEvaluator } from './rule-evaluator';
import {
  RULE_EVENTS,
  RULE_FACTS,
  RULE_FACT_NAMES,
  type RuleEventType,
  type RuleFactName,
  type SsvcInputs,
} from './ssvc-values';

export interface RuleCase {
  name: string;
  facts: Partial<Record<RuleFactName, string>>;
  expect: { urgency?: string; bodTimeline?: string; humanImpact?: string; rules?: string[] };
}

export interface CaseMismatch {
  field: string;
  expected: string;
  actual: string;
}

export interface CaseResult {
  name: string;
  ok: boolean;
  mismatches: CaseMismatch[];
  /** The deciding rules, for the diff. */
  rules: string[];
}

const EXPECTATIONS: Record<string, { type?: RuleEventType; values?: readonly string[] }> = {
  urgency: { type: 'urgency', values: RULE_EVENTS.urgency.values },
  bodTimeline: { type: 'bod-26-04', values: RULE_EVENTS['bod-26-04'].values },
  humanImpact: { values: RULE_FACTS.humanImpact },
  rules: {},
};

export function readCases(file: string, json: unknown): RuleCase[] {
  if (!Array.isArray(json)) throw new InputError(file, 'a case file is a JSON array of {"name", "facts", "expect"}');
  return json.map((raw: unknown, i: number) => {
    const c = raw as Record<string, unknown>;
    const at = (p: string) => ({ pointer: `/${i}${p}` });
    if (typeof c?.name !== 'string' || !c.name) throw new InputError(file, 'each case needs a "name"', at('/name'));
    if (typeof c.facts !== 'object' || c.facts === null)
      throw new InputError(file, `case "${c.name}" needs "facts"`, at('/facts'));
    for (const [fact, value] of Object.entries(c.facts as Record<string, unknown>)) {
      const domain = RULE_FACTS[fact as RuleFactName] as readonly string[] | undefined;
      if (!domain)
        throw new InputError(
          file,
          `case "${c.name}": unknown fact "${fact}" (known: ${RULE_FACT_NAMES.join(', ')})`,
          at(`/facts/${fact}`),
        );
      if (!domain.includes(value as string))
        throw new InputError(
          file,
          `case "${c.name}": ${JSON.stringify(value)} is not a ${fact} value (${domain.join(', ')})`,
          at(`/facts/${fact}`),
        );
    }
    if (typeof c.expect !== 'object' || c.expect === null || !Object.keys(c.expect).length)
      throw new InputError(file, `case "${c.name}" needs "expect"`, at('/expect'));
    for (const [key, value] of Object.entries(c.expect as Record<string, unknown>)) {
      const spec = EXPECTATIONS[key];
      if (!spec)
        throw new InputError(
          file,
          `case "${c.name}": unknown expectation "${key}" (known: ${Object.keys(EXPECTATIONS).join(', ')})`,
          at(`/expect/${key}`),
        );
      if (spec.values && !spec.values.includes(value as string))
        throw new InputError(
          file,
          `case "${c.name}": expect.${key} must be one of ${spec.values.join(', ')}`,
          at(`/expect/${key}`),
        );
      if (key === 'rules' && !(Array.isArray(value) && value.every((v) => typeof v === 'string')))
        throw new InputError(file, `case "${c.name}": expect.rules must be a list of rule names`, at('/expect/rules'));
    }
    return c as unknown as RuleCase;
  });
}

export async function runCases(rulebook: Rulebook, cases: RuleCase[]): Promise<CaseResult[]> {
  const evaluator = new RuleEvaluator(rulebook.rules);
  const results: CaseResult[] = [];
  for (const c of cases) {
    const inputs = { ...c.facts } as Partial<SsvcInputs>;
    if (!inputs.humanImpact && inputs.safetyImpact && inputs.missionImpact)
      inputs.humanImpact = humanImpactOf(rulebook.humanImpact, inputs.safetyImpact, inputs.missionImpact);
    const mismatches: CaseMismatch[] = [];
    const rules: string[] = [];
    if (c.expect.humanImpact !== undefined && inputs.humanImpact !== c.expect.humanImpact) {
      mismatches.push({
        field: 'humanImpact',
        expected: c.expect.humanImpact,
        actual: inputs.humanImpact ?? '(not given)',
      });
    }
    for (const field of ['urgency', 'bodTimeline'] as const) {
      const expected = c.expect[field];
      if (expected === undefined) continue;
      const type = EXPECTATIONS[field]!.type!;
      try {
        const evaluation = await evaluator.evaluate(inputs, [type]);
        const decision = evaluation.decisions[type];
        rules.push(...(decision?.rules.map((r) => r.rule) ?? []));
        const conflict = evaluation.conflicts[0];
        const actual = conflict
          ? `conflict between ${conflict.rules.map((r) => `"${r.rule}" (${r.value})`).join(', ')}`
          : (decision?.value ?? '(no rule fired)');
        if (actual !== expected) mismatches.push({ field, expected, actual });
      } catch (error) {
        mismatches.push({ field, expected, actual: `error: ${(error as Error).message} (add the fact to the case)` });
      }
    }
    if (c.expect.rules && JSON.stringify([...c.expect.rules].sort()) !== JSON.stringify([...rules].sort())) {
      mismatches.push({ field: 'rules', expected: c.expect.rules.join(', '), actual: rules.join(', ') || '(none)' });
    }
    results.push({ name: c.name, ok: !mismatches.length, mismatches, rules });
  }
  return results;
}
