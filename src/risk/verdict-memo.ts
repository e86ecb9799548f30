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
import type { AssetVerdict, Deadline } from './model';
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
  private readonly factIds = new FactIds();
  private readonly deadlines = new Map<string, Deadline>();
  private readonly times = new Map<string, string>();
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
    let key = `${asset.patchedBy}|${asset.patchSlaDays}|${text(asset.provider)}${text(asset.cluster)}`;
    // in the record's own order: assetFacts builds every record in one order, and a record in another would only miss
    for (const name in facts.facts) {
      const { value, source } = facts.facts[name]!;
      key += `${this.factIds.of(name, value, source)},`;
    }
    if (!mitigated) key += '|-';
    else for (const name in mitigated.inputs) key += `|${name}=${mitigated.inputs[name as keyof SsvcInputs]}`;
    let shared = this.verdicts.get(key);
    if (!shared)
      this.verdicts.set(key, (shared = verdictFor(asset, facts, this.setting, mitigated).then(withoutIdentity)));
    return { assetId: asset.id, assetName: asset.name, ...(await shared) };
  }
}

/**
 * A number per distinct fact (name, value with its type, source), found by value: one Map level per part compares
 * them as strings, numbers and booleans, so the verdict key is a short list of numbers and no fact text is copied
 * into it per asset.
 */
class FactIds {
  private readonly byName = new Map<string, Map<unknown, Map<string, number>>>();
  private count = 0;

  of(name: string, value: unknown, source: string): number {
    let byValue = this.byName.get(name);
    if (!byValue) this.byName.set(name, (byValue = new Map()));
    let bySource = byValue.get(value);
    if (!bySource) byValue.set(value, (bySource = new Map()));
    let id = bySource.get(source);
    if (id === undefined) bySource.set(source, (id = this.count++));
    return id;
  }
}

function withoutIdentity({ assetId: _id, assetName: _name, ...shared }: AssetVerdict): SharedVerdict {
  return shared;
}

function text(value: string | undefined): string {
  return value === undefined ? '-' : `${value.length}:${value}`;
}
