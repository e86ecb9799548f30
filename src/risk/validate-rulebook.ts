/**
 * Turns the parsed rulebook files into a usable Rulebook or a RulebookError naming every file and rule at fault:
 * malformed rules, unknown facts, operators, values or outcomes, and, by running the engine over every combination
 * of the SSVC inputs the rules read, combinations where no rule decides or where rules at the same priority disagree.
 */
import { Engine } from 'json-rules-engine';
import { humanImpactOf, type HumanImpactTable } from './human-impact-table';
import type { Policy } from './policy';
import type { Rulebook, RuleDefinition } from './rulebook';
import { RulebookError, type RulebookProblem } from './rulebook-error';
import { RuleEvaluator } from './rule-evaluator';
import {
  HUMAN_IMPACT,
  MISSION_IMPACT,
  RULE_EVENTS,
  RULE_EVENT_TYPES,
  RULE_FACTS,
  RULE_FACT_NAMES,
  SAFETY_IMPACT,
  type RuleEventType,
  type RuleFactName,
  type SsvcInputs,
} from './ssvc-values';

type Json = Record<string, unknown>;

const RULE_KEYS = new Set(['name', 'description', 'priority', 'conditions', 'event']);
// operators whose value is a list of the fact's values
const LIST_OPERATORS = new Set(['in', 'notIn']);
// json-rules-engine has no public operator lookup; its operator map resolves decorated names such as not:equal
const operatorCatalog = new Engine();

/** The parts a rulebook is built from, each already read and checked on its own (see src/app/rules-folder.ts). */
export interface RulebookParts {
  dir: string;
  digest: string;
  rules: RuleDefinition[];
  policy: Policy;
  humanImpact: HumanImpactTable;
}

/** The checks across files (unique names, an urgency rule, the deadline policy's rules), then every combination. */
export async function assembleRulebook(parts: RulebookParts): Promise<Rulebook> {
  const { rules, policy } = parts;
  const problems: RulebookProblem[] = [];
  const seen = new Map<string, string>();
  for (const rule of rules) {
    const earlier = seen.get(rule.name);
    if (earlier)
      problems.push({
        file: rule.file,
        rule: rule.name,
        problem: `the name is already used by a rule in ${earlier}; names must be unique`,
      });
    seen.set(rule.name, rule.file);
  }
  if (!rules.some((r) => r.event.type === 'urgency'))
    problems.push({ file: parts.dir, problem: 'no rule sets an urgency (event type "urgency")' });
  if (policy.deadlinePolicy === 'bod-26-04' && !rules.some((r) => r.event.type === 'bod-26-04')) {
    problems.push({
      file: policy.file,
      problem: 'deadlinePolicy is "bod-26-04" but no rule sets a BOD 26-04 timeline (event type "bod-26-04")',
    });
  }
  if (problems.length) throw new RulebookError(problems);

  problems.push(...(await checkEveryCombination(rules, parts.humanImpact)));
  if (problems.length) throw new RulebookError(problems);
  return { ...parts };
}

/** One rulebook/*.json file's rules, or a RulebookError naming each rule at fault. */
export function readRuleFile(file: string, json: unknown): RuleDefinition[] {
  const problems: RulebookProblem[] = [];
  const rules = ruleFileRules(file, json, problems);
  if (problems.length) throw new RulebookError(problems);
  return rules;
}

function ruleFileRules(file: string, json: unknown, problems: RulebookProblem[]): RuleDefinition[] {
  const list = Array.isArray(json) ? json : (json as Json)?.rules;
  if (!Array.isArray(list)) {
    problems.push({ file, problem: 'must be a JSON object with a "rules" array (json-rules-engine rules)' });
    return [];
  }
  const rules: RuleDefinition[] = [];
  list.forEach((raw: unknown, i: number) => {
    const rule = raw as Json;
    const label = typeof rule?.name === 'string' && rule.name ? rule.name : `#${i + 1}`;
    const before = problems.length;
    const bad = (problem: string) => problems.push({ file, rule: label, problem });
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) return bad('must be a JSON object');
    if (typeof rule.name !== 'string' || !rule.name) bad('needs a "name" so verdicts and errors can cite it');
    for (const key of Object.keys(rule))
      if (!RULE_KEYS.has(key)) bad(`unknown key "${key}" (allowed: ${[...RULE_KEYS].join(', ')})`);
    if (!(Number.isInteger(rule.priority) && (rule.priority as number) >= 1))
      bad('"priority" must be a whole number, 1 or more');
    checkEvent(rule.event, bad);
    if (typeof rule.conditions !== 'object' || rule.conditions === null)
      bad('needs "conditions" with "all", "any" or "not" at the top');
    else if (!['all', 'any', 'not'].some((k) => k in (rule.conditions as Json)))
      bad('"conditions" must start with "all", "any" or "not"');
    else checkCondition(rule.conditions as Json, '/conditions', bad);
    if (problems.length === before) {
      try {
        // json-rules-engine's own checks, so anything it would reject at run time is reported here with the rule named
        new Engine([], { allowUndefinedFacts: false }).addRule({
          name: label,
          priority: rule.priority as number,
          conditions: rule.conditions as never,
          event: rule.event as never,
        });
      } catch (error) {
        bad(`json-rules-engine refuses it: ${(error as Error).message}`);
      }
    }
    if (problems.length === before) rules.push({ ...(rule as unknown as RuleDefinition), file });
  });
  return rules;
}

function checkEvent(event: unknown, bad: (p: string) => void): void {
  const e = event as Json;
  const type = e?.type as RuleEventType;
  if (!RULE_EVENT_TYPES.includes(type)) {
    bad(`"event.type" must be one of ${RULE_EVENT_TYPES.join(', ')}, not ${JSON.stringify(e?.type)}`);
    return;
  }
  const { param, values } = RULE_EVENTS[type];
  const value = (e.params as Json | undefined)?.[param];
  if (!(values as readonly string[]).includes(value as string))
    bad(`"event.params.${param}" must be one of ${values.join(', ')}, not ${JSON.stringify(value)}`);
}

function checkCondition(node: Json, path: string, bad: (p: string) => void): void {
  for (const key of ['all', 'any'] as const) {
    if (key in node) {
      const list = node[key];
      // an empty "all" always holds (json-rules-engine agrees): the way to write a catch-all rule
      if (!Array.isArray(list) || (key === 'any' && !list.length))
        return bad(`${path}/${key} must be ${key === 'any' ? 'a non-empty' : 'an'} array`);
      return list.forEach((child, i) => checkCondition(child as Json, `${path}/${key}/${i}`, bad));
    }
  }
  if ('not' in node) return checkCondition(node.not as Json, `${path}/not`, bad);
  if ('condition' in node)
    return bad(`${path}: shared conditions ("condition" references) are not supported; write the conditions out`);
  const fact = node.fact as RuleFactName;
  if (!RULE_FACT_NAMES.includes(fact))
    return bad(`${path}: unknown fact ${JSON.stringify(node.fact)}; rules may read ${RULE_FACT_NAMES.join(', ')}`);
  if ('path' in node || 'params' in node) bad(`${path}: "path" and "params" are not used by patchcall's facts`);
  const operator = node.operator;
  if (
    typeof operator !== 'string' ||
    !(operatorCatalog as unknown as { operators: { get(n: string): unknown } }).operators.get(operator)
  ) {
    return bad(`${path}: unknown operator ${JSON.stringify(operator)} for fact "${fact}"`);
  }
  if (!('value' in node)) return bad(`${path}: needs a "value"`);
  const domain: readonly string[] = RULE_FACTS[fact];
  const value = node.value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const other = (value as Json).fact as RuleFactName;
    if (!RULE_FACT_NAMES.includes(other))
      bad(`${path}/value: compares with unknown fact ${JSON.stringify((value as Json).fact)}`);
    return;
  }
  const values = LIST_OPERATORS.has(operator) ? value : [value];
  if (!Array.isArray(values)) return bad(`${path}: operator "${operator}" needs a list of ${fact} values`);
  if (operator === 'equal' || operator === 'notEqual' || LIST_OPERATORS.has(operator)) {
    for (const v of values)
      if (!domain.includes(v as string))
        bad(`${path}: ${JSON.stringify(v)} is not a ${fact} value (${domain.join(', ')})`);
  }
}

/** Every combination of the inputs the rules of one outcome type read must give exactly one outcome. */
async function checkEveryCombination(
  rules: RuleDefinition[],
  humanImpact: HumanImpactTable,
): Promise<RulebookProblem[]> {
  const problems: RulebookProblem[] = [];
  const evaluator = new RuleEvaluator(rules);
  for (const type of evaluator.types()) {
    const ofType = rules.filter((r) => r.event.type === type);
    const facts = new Set(ofType.flatMap((r) => factsOf(r.conditions as unknown as Json)));
    let missing = 0;
    const reported = new Set<string>();
    for (const inputs of combinations(facts, humanImpact)) {
      const evaluation = await evaluator.evaluateUncached(inputs, [type]);
      const where = describeInputs(inputs);
      for (const conflict of evaluation.conflicts) {
        const key = conflict.rules
          .map((r) => r.rule)
          .sort()
          .join('|');
        if (reported.has(key)) continue;
        reported.add(key);
        const [first, ...others] = conflict.rules;
        problems.push({
          file: first!.file,
          rule: first!.rule,
          problem: `conflicts with ${others.map((o) => `rule "${o.rule}" (${o.file})`).join(', ')}: at priority ${conflict.priority} they all fire for ${where} but set ${type} ${conflict.rules.map((r) => `"${r.value}"`).join(' vs ')}`,
        });
      }
      if (!evaluation.decisions[type] && ++missing <= 3) {
        problems.push({
          file: ofType[0]!.file,
          problem: `no rule sets ${type} for ${where}; add a rule (or a low-priority catch-all) that covers it`,
        });
      }
    }
    if (missing > 3)
      problems.push({
        file: ofType[0]!.file,
        problem: `… and ${missing - 3} more combinations where no rule sets ${type}`,
      });
  }
  return problems;
}

function factsOf(node: Json): RuleFactName[] {
  for (const key of ['all', 'any'] as const)
    if (Array.isArray(node[key])) return (node[key] as Json[]).flatMap(factsOf);
  if (node.not) return factsOf(node.not as Json);
  const compared =
    typeof node.value === 'object' && node.value !== null && !Array.isArray(node.value)
      ? [(node.value as Json).fact as RuleFactName]
      : [];
  return [node.fact as RuleFactName, ...compared];
}

/** Safety and Mission Impact are enumerated as pairs with their Human Impact, so the three always agree. */
function* combinations(facts: Set<RuleFactName>, humanImpact: HumanImpactTable): Generator<Partial<SsvcInputs>> {
  const impactFacts = ['humanImpact', 'safetyImpact', 'missionImpact'] as const;
  const usesParts = facts.has('safetyImpact') || facts.has('missionImpact');
  const impacts: Partial<SsvcInputs>[] = usesParts
    ? SAFETY_IMPACT.flatMap((safetyImpact) =>
        MISSION_IMPACT.map((missionImpact) => ({
          safetyImpact,
          missionImpact,
          humanImpact: humanImpactOf(humanImpact, safetyImpact, missionImpact),
        })),
      )
    : facts.has('humanImpact')
      ? HUMAN_IMPACT.map((humanImpact) => ({ humanImpact }))
      : [{}];
  const others = [...facts].filter((f) => !(impactFacts as readonly string[]).includes(f));
  let partial: Partial<SsvcInputs>[] = impacts;
  for (const fact of others) partial = partial.flatMap((p) => RULE_FACTS[fact].map((v) => ({ ...p, [fact]: v })));
  yield* partial;
}

export function describeInputs(inputs: Partial<SsvcInputs>): string {
  return RULE_FACT_NAMES.filter((f) => inputs[f] !== undefined)
    .map((f) => `${f}=${inputs[f]}`)
    .join(', ');
}
