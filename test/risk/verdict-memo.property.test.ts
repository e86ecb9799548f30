/**
 * The memoising wrapper (VerdictMemo: interned facts, verdicts shared by value key, memoised deadlines) gives the
 * same verdicts as the plain definition (verdictFor on each asset's own facts, nothing shared) on random estates:
 * inventory profiles, providers and contracts, clusters, safety tags, exposures through filter rules or none,
 * missing exposure analyses, what-if blocks, hand overrides, both deadline policies and several assessment times.
 */
import dayjs from 'dayjs';
import fc from 'fast-check';
import { RulesFolder } from '../../src/app/rules-folder';
import type { AssetExposure } from '../../src/exposure/model';
import type { Asset, Criticality, Environment } from '../../src/inventory/model';
import type { Exploitation, SystemExposure } from '../../src/risk/model';
import { assetFacts, bulletinFacts, type FactOverrides } from '../../src/risk/risk-facts';
import type { Rulebook } from '../../src/risk/rulebook';
import { verdictFor, verdictSetting } from '../../src/risk/verdict';
import { VerdictMemo } from '../../src/risk/verdict-memo';
import { SHIPPED_RULES } from './rulebook-copy';
import { asset as seedAsset, exposure as seedExposure, ms08067 } from './seed-story';

const ENVIRONMENTS: Environment[] = ['production', 'staging', 'development', 'test', 'unknown'];
const CRITICALITIES: Criticality[] = ['low', 'medium', 'high', 'critical', 'unknown'];
const TIMES = [
  '2008-10-23T15:00:00+02:00',
  '2008-10-26T01:30:00+01:00',
  '2008-12-24T09:00:00Z',
  '2026-06-01T12:00:00Z',
];

const reach = (zone: string, filter: string, rule: number | undefined) => ({
  zone,
  ranges: [],
  path: [
    {
      filter,
      chain: 'FORWARD',
      verdict: 'accept' as const,
      ...(rule === undefined
        ? { policy: 'ACCEPT' }
        : { rule: { number: rule, text: `rule ${rule}`, locator: `line ${rule}`, document: `${filter}.rules` } }),
      assumptions: [],
    },
  ],
});

const exposureSpec = fc.record({
  systemExposure: fc.constantFrom<SystemExposure>('small', 'controlled', 'open'),
  zones: fc.uniqueArray(fc.constantFrom('internet', 'office', 'management'), { maxLength: 2 }),
  filter: fc.constantFrom('edge', 'core'),
  rule: fc.option(fc.constantFrom(1, 2), { nil: undefined }),
});

const assetSpec = fc.record({
  environment: fc.constantFrom(...ENVIRONMENTS),
  criticality: fc.constantFrom(...CRITICALITIES),
  provider: fc.option(
    fc.record({ name: fc.constantFrom('Contoso Hosting', 'Fabrikam|Cloud'), sla: fc.option(fc.constantFrom(14, 30)) }),
    { nil: undefined },
  ),
  cluster: fc.option(fc.constantFrom('web', 'pool1'), { nil: undefined }),
  safety: fc.boolean(),
  exposure: fc.option(exposureSpec, { nil: undefined, freq: 5 }),
  // per twin: twins share their facts, not always their what-if
  after: fc.tuple(...[0, 1, 2].map(() => fc.option(exposureSpec, { nil: undefined, freq: 3 }))),
  override: fc.option(fc.constantFrom<SystemExposure>('small', 'open'), { nil: undefined, freq: 6 }),
  twins: fc.nat(2),
});

const estate = fc.record({
  assets: fc.array(assetSpec, { minLength: 1, maxLength: 8 }),
  now: fc.constantFrom(...TIMES),
  bodPolicy: fc.boolean(),
  exploitation: fc.option(fc.constantFrom<Exploitation>('none', 'public poc', 'active'), { nil: undefined }),
  restartRequired: fc.boolean(),
});

function build(a: Spec, name: string): Asset {
  return seedAsset(name, {
    environment: a.environment,
    criticality: a.criticality,
    ...(a.provider
      ? {
          patchedBy: 'provider' as const,
          provider: a.provider.name,
          ...(a.provider.sla !== null ? { patchSlaDays: a.provider.sla } : {}),
        }
      : {}),
    ...(a.cluster ? { cluster: a.cluster } : {}),
    tags: a.safety ? ['safety'] : [],
  });
}
type Spec = typeof assetSpec extends fc.Arbitrary<infer T> ? T : never;

function exposureOf(asset: Asset, spec: Spec['exposure'] | undefined): AssetExposure | undefined {
  if (!spec) return undefined;
  return seedExposure(
    asset,
    spec.systemExposure,
    spec.zones.map((z) => reach(z, spec.filter, spec.rule)),
  );
}

describe('the memoising wrapper and the definition agree', () => {
  let shipped: Rulebook;
  beforeAll(async () => {
    shipped = await RulesFolder.load(SHIPPED_RULES).rulebook();
  });

  it('on random estates, asset by asset', async () => {
    await fc.assert(
      fc.asyncProperty(estate, async (e) => {
        const rulebook: Rulebook = e.bodPolicy
          ? { ...shipped, policy: { ...shipped.policy, deadlinePolicy: 'bod-26-04' } }
          : shipped;
        const now = dayjs(e.now).tz(rulebook.policy.timezone);
        const assets = e.assets.flatMap((spec, i) =>
          Array.from({ length: spec.twins + 1 }, (_, t) => ({
            spec,
            after: spec.after[t],
            asset: build(spec, `a${i}-${t}`),
          })),
        );
        const overrides: FactOverrides = {
          ...(e.exploitation ? { exploitation: { value: e.exploitation, reason: 'a drill' } } : {}),
          systemExposure: Object.fromEntries(
            assets.flatMap(({ spec, asset }) =>
              spec.override ? [[asset.id, { value: spec.override, reason: 'checked by hand' }]] : [],
            ),
          ),
        };
        const bulletin = bulletinFacts(
          ms08067({ restartRequired: { value: e.restartRequired, source: { format: 'manual', document: 'x' } } }),
          rulebook.policy,
          now,
          overrides,
        );

        const memo = new VerdictMemo(rulebook, verdictSetting(bulletin, now, rulebook), overrides);
        const memoised = [];
        for (const { spec, after: afterSpec, asset } of assets) {
          const after = exposureOf(asset, afterSpec);
          const facts = memo.facts(asset, exposureOf(asset, spec.exposure));
          memoised.push(await memo.verdictFor(asset, facts, after && memo.facts(asset, after)));
        }

        const plain = [];
        for (const { spec, after: afterSpec, asset } of assets) {
          const setting = verdictSetting(bulletin, now, rulebook);
          const factsOf = (exposure: AssetExposure | undefined) =>
            assetFacts(asset, exposure, bulletin, rulebook, overrides);
          const after = exposureOf(asset, afterSpec);
          plain.push(
            await verdictFor(asset, factsOf(exposureOf(asset, spec.exposure)), setting, after && factsOf(after)),
          );
        }
        expect(memoised).toEqual(plain);
        // key order too: the verdicts are serialised into the decision snapshot and the audit export
        expect(JSON.stringify(memoised)).toBe(JSON.stringify(plain));
      }),
      { numRuns: 150 },
    );
  });
});
