/**
 * The memoising wrapper of `verdictFor` (./verdict.ts, the definition), for estates of 100,000 assets that share a
 * few thousand fact combinations. Every cache is keyed by value, so it can only return what the definition would:
 * - a verdict, apart from the asset's id and name, by the facts record, the rule inputs with the block in place and
 *   the asset fields the deadline and explanation read;
 * - a deadline by the urgency, the BOD 26-04 timeline and who patches under which contract, and its text by the time;
 * - an engine run by its inputs (RuleEvaluator.evaluate).
 * The shared parts (facts, deadline, explanation, traces) are one object for every verdict that has them: treat
 * verdicts as read-only.
 */
import type { AssetExposure } from '../exposure/model';
import type { Asset } from '../inventory/model';
import type { AssetVerdict, Deadline, FactWithSource } from './model';
import { assetFacts, FactPool, type AssetFacts, type FactOverrides } from './risk-facts';
import type { Rulebook } from './rulebook';
import type { SsvcInputs } from './ssvc-values';
import { verdictFor, type VerdictSetting } from './verdict';

type SharedVerdict = Omit<AssetVerdict, 'assetId' | 'assetName'>;

/** Holds the caches for one assessment (one bulletin, rulebook and time); do not reuse it across them. */
export class VerdictMemo {
  // interns equal fact objects, so 100,000 verdicts hold a few thousand of them, not millions
  private readonly pool = new FactPool();
  private readonly verdicts = new Map<string, Promise<SharedVerdict>>();
  private readonly deadlines = new Map<string, Deadline>();
  private readonly times = new Map<string, string>();
  private readonly factsKeys = new ValueKeys(factsText);
  private readonly inputsKeys = new ValueKeys(inputsText);
  private readonly setting: VerdictSetting;

  constructor(
    private readonly rulebook: Rulebook,
    setting: VerdictSetting,
    private readonly overrides: FactOverrides = {},
  ) {
    this.setting = {
      ...setting,
      deadline: (asset, urgency, bodTimeline) => {
        const key = JSON.stringify([urgency, bodTimeline, asset.patchedBy, asset.provider, asset.patchSlaDays]);
        let deadline = this.deadlines.get(key);
        if (!deadline) this.deadlines.set(key, (deadline = setting.deadline(asset, urgency, bodTimeline)));
        return deadline;
      },
      showTime: (iso) => {
        let shown = this.times.get(iso);
        if (shown === undefined) this.times.set(iso, (shown = setting.showTime(iso)));
        return shown;
      },
    };
  }

  facts(asset: Asset, exposure: AssetExposure | undefined): AssetFacts {
    return assetFacts(asset, exposure, this.setting.bulletin, this.rulebook, this.overrides, this.pool);
  }

  async verdictFor(asset: Asset, facts: AssetFacts, mitigated?: AssetFacts): Promise<AssetVerdict> {
    // everything verdictFor reads but the asset's id and name: the asset fields behind the deadline (who patches,
    // under which contract) and the cluster line, the facts record (the rule inputs derive from it) and the rule
    // inputs with the block in place
    const key = `${asset.patchedBy}|${asset.patchSlaDays}|${text(asset.provider)}${text(asset.cluster)}${this.factsKeys.of(facts.facts)}|${mitigated ? this.inputsKeys.of(mitigated.inputs) : '-'}`;
    let shared = this.verdicts.get(key);
    if (!shared) {
      shared = verdictFor(asset, facts, this.setting, mitigated).then(withoutIdentity);
      this.verdicts.set(key, shared);
    }
    return { assetId: asset.id, assetName: asset.name, ...(await shared) };
  }
}

function withoutIdentity({ assetId: _id, assetName: _name, ...shared }: AssetVerdict): SharedVerdict {
  return shared;
}

/**
 * A value key per distinct content: the same content always gets the same id. The key text of a record is worked out
 * once per record object (the pool shares records between assets), which saves time and changes no answer, since
 * records are never changed after they are built.
 */
class ValueKeys<T extends object> {
  private readonly ids = new Map<string, number>();
  private readonly known = new WeakMap<T, number>();

  constructor(private readonly keyText: (value: T) => string) {}

  of(value: T): number {
    let id = this.known.get(value);
    if (id === undefined) {
      const text = this.keyText(value);
      id = this.ids.get(text);
      if (id === undefined) this.ids.set(text, (id = this.ids.size));
      this.known.set(value, id);
    }
    return id;
  }
}

/** Each value with its type and source, each text prefixed with its length so no content runs two keys together. */
function factsText(facts: Record<string, FactWithSource>): string {
  let key = '';
  for (const name in facts) {
    const { value, source } = facts[name]!;
    key += `${text(name)}${typeof value}${text(String(value))}${text(source)}`;
  }
  return key;
}

function inputsText(inputs: SsvcInputs): string {
  let key = '';
  for (const name in inputs) key += `${text(name)}${text(String(inputs[name as keyof SsvcInputs]))}`;
  return key;
}

function text(value: string | undefined): string {
  return value === undefined ? '-' : `${value.length}:${value}`;
}
