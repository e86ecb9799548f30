/**
 * Runs the rulebook through json-rules-engine and resolves its events: for each outcome type (urgency, BOD 26-04
 * timeline) the rules that fired at the highest priority decide, and they must agree. Each distinct input
 * combination is evaluated once; 100,000 assets share a handful of combinations.
 */
import { Engine, type RuleResult, type TopLevelConditionResult } from 'json-rules-engine';
import type { RuleTrace } from './model';
import type { RuleDefinition } from './rulebook';
import { RULE_EVENT_TYPES, RULE_EVENTS, RULE_FACT_NAMES, type RuleEventType, type SsvcInputs } from './ssvc-values';

export interface FiredRule {
  rule: string;
  file: string;
  priority: number;
  value: string;
  trace: RuleTrace;
}

export interface OutcomeDecision {
  value: string;
  priority: number;
  /** The rules that fired at the deciding priority, with the conditions that held. */
  rules: FiredRule[];
}

/** Several rules at the top priority that fired with different outcomes. */
export interface RuleConflict {
  type: RuleEventType;
  priority: number;
  rules: FiredRule[];
}

export interface Evaluation {
  decisions: Partial<Record<RuleEventType, OutcomeDecision>>;
  conflicts: RuleConflict[];
}

export class RuleEvaluator {
  private readonly engines = new Map<RuleEventType, Engine>();
  private readonly byName = new Map<string, RuleDefinition>();
  private readonly cache = new Map<string, Promise<Evaluation>>();

  constructor(rules: RuleDefinition[]) {
    for (const type of RULE_EVENT_TYPES) {
      const ofType = rules.filter((r) => r.event.type === type);
      if (!ofType.length) continue;
      // allowUndefinedFacts stays off: a rule naming a fact the inputs lack fails loudly instead of never firing
      const engine = new Engine([], { allowUndefinedFacts: false });
      for (const rule of ofType) {
        engine.addRule({ name: rule.name, priority: rule.priority, conditions: rule.conditions, event: rule.event });
        this.byName.set(rule.name, rule);
      }
      this.engines.set(type, engine);
    }
  }

  /** The outcome types some rule sets. */
  types(): RuleEventType[] {
    return [...this.engines.keys()];
  }

  /** Cached by the input values in a fixed fact order and the requested types. */
  evaluate(inputs: Partial<SsvcInputs>, types: RuleEventType[] = this.types()): Promise<Evaluation> {
    const key = `${RULE_FACT_NAMES.map((f) => inputs[f] ?? '').join('|')}|${types.join(',')}`;
    let result = this.cache.get(key);
    if (!result) {
      result = this.evaluateUncached(inputs, types);
      this.cache.set(key, result);
    }
    return result;
  }

  /** One engine run per call, no cache: what a naive per-asset loop would cost (the benchmark compares). */
  async evaluateUncached(inputs: Partial<SsvcInputs>, types: RuleEventType[] = this.types()): Promise<Evaluation> {
    const evaluation: Evaluation = { decisions: {}, conflicts: [] };
    for (const type of types) {
      const engine = this.engines.get(type);
      if (!engine) continue;
      const { results } = await engine.run({ ...inputs });
      const fired = results.map((r) => this.fired(r, type));
      if (!fired.length) continue;
      const top = Math.max(...fired.map((f) => f.priority));
      const deciding = fired.filter((f) => f.priority === top);
      const values = new Set(deciding.map((f) => f.value));
      if (values.size > 1) evaluation.conflicts.push({ type, priority: top, rules: deciding });
      evaluation.decisions[type] = { value: deciding[0]!.value, priority: top, rules: deciding };
    }
    return evaluation;
  }

  private fired(result: RuleResult, type: RuleEventType): FiredRule {
    const rule = this.byName.get(result.name)!;
    const value = String(result.event?.params?.[RULE_EVENTS[type].param]);
    return {
      rule: rule.name,
      file: rule.file,
      priority: rule.priority,
      value,
      trace: { rule: rule.name, conditions: heldConditions(result.conditions) },
    };
  }
}

/** The leaf conditions that held, as "fact = value" sentences with the fact value the engine saw. */
function heldConditions(node: TopLevelConditionResult | Record<string, unknown>): string[] {
  const n = node as Record<string, unknown>;
  if (Array.isArray(n.all)) return (n.all as Record<string, unknown>[]).flatMap(heldConditions);
  if (Array.isArray(n.any))
    return (n.any as Record<string, unknown>[]).filter((c) => c.result === true).flatMap(heldConditions);
  if (n.not) return [`not (${describeLeaf(n.not as Record<string, unknown>)})`];
  if (typeof n.condition === 'string') return [`condition ${n.condition}`];
  if (n.result !== true) return [];
  return [describeLeaf(n)];
}

function describeLeaf(n: Record<string, unknown>): string {
  if (n.fact === undefined) return JSON.stringify(n);
  const seen = n.factResult === undefined ? '' : String(n.factResult);
  const value = Array.isArray(n.value) ? n.value.join(', ') : String(n.value);
  switch (n.operator) {
    case 'equal':
      return `${n.fact} = ${value}`;
    case 'notEqual':
      return `${n.fact} = ${seen} (not ${value})`;
    case 'in':
      return Array.isArray(n.value) && n.value.length === 1
        ? `${n.fact} = ${seen}`
        : `${n.fact} = ${seen} (one of ${value})`;
    case 'notIn':
      return `${n.fact} = ${seen} (none of ${value})`;
    default:
      return `${n.fact} ${String(n.operator)} ${value} (was ${seen})`;
  }
}
