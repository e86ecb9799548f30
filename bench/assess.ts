/**
 * bench:assess — the full risk/reward check over 100,000 affected assets with json-rules-engine in the loop,
 * against the naive way (one engine run per asset), measured in the same process. Target: ≤ 3 s.
 */
import { performance } from 'node:perf_hooks';
import { RulesFolder } from '../src/app/rules-folder';
import type { Bulletin } from '../src/bulletins/model';
import type { AssetExposure } from '../src/exposure/model';
import type { Asset, AssetMatch, Criticality, Environment } from '../src/inventory/model';
import { assess } from '../src/risk/assess';
import { assetFacts, bulletinFacts } from '../src/risk/risk-facts';
import { RuleEvaluator } from '../src/risk/rule-evaluator';

const ASSETS = 100_000;
const NAIVE_SAMPLE = 5_000;
const RUNS = 3;
const NOW = '2008-10-23T15:00:00+02:00';
const source = { format: 'bulletin' as const, document: 'bench' };

// a deterministic generator, so every run measures the same estate
let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(weighted: [T, number][]): T => {
  let r = random();
  for (const [value, weight] of weighted) if ((r -= weight) < 0) return value;
  return weighted[weighted.length - 1]![0];
};

function estate(): { matches: AssetMatch[]; exposures: AssetExposure[] } {
  const matches: AssetMatch[] = [];
  const exposures: AssetExposure[] = [];
  for (let i = 0; i < ASSETS; i++) {
    const environment = pick<Environment>([
      ['production', 0.6],
      ['staging', 0.15],
      ['development', 0.15],
      ['test', 0.1],
    ]);
    const criticality = pick<Criticality>([
      ['low', 0.35],
      ['medium', 0.35],
      ['high', 0.2],
      ['critical', 0.08],
      ['unknown', 0.02],
    ]);
    const provider = random() < 0.1;
    const asset: Asset = {
      id: `a${i}`,
      name: `host${String(i).padStart(6, '0')}`,
      addresses: [],
      hostnames: [],
      osCandidates: [],
      services: [],
      installedFixes: [],
      software: [],
      softwareInventories: [],
      criticality,
      environment,
      patchedBy: provider ? 'provider' : 'self',
      ...(provider
        ? {
            provider: pick([
              ['Contoso Hosting', 0.5],
              ['Fabrikam Cloud', 0.5],
            ]),
            patchSlaDays: pick([
              [30, 0.5],
              [14, 0.5],
            ]),
          }
        : {}),
      ...(random() < 0.2 ? { cluster: `pool${i % 500}` } : {}),
      tags: random() < 0.01 ? ['safety'] : [],
      retired: false,
      securityGroupIds: [],
      conflicts: [],
      sources: [source],
    };
    matches.push({ asset, status: 'affected', reasons: [], matchedProducts: [] });
    const systemExposure = pick<AssetExposure['systemExposure']>([
      ['small', 0.3],
      ['controlled', 0.6],
      ['open', 0.1],
    ]);
    if (random() < 0.97) {
      const zone = systemExposure === 'open' ? 'internet' : systemExposure === 'controlled' ? 'office' : 'management';
      exposures.push({
        assetId: asset.id,
        assetName: asset.name,
        zone: 'servers',
        ports: [
          {
            protocol: 'tcp',
            port: 445,
            reachableFrom: [
              {
                zone,
                ranges: [],
                path: [
                  {
                    filter: 'edge',
                    chain: 'FORWARD',
                    verdict: 'accept',
                    rule: { number: (i % 40) + 1, text: `rule ${(i % 40) + 1}`, locator: '', document: 'edge' },
                    assumptions: [],
                  },
                ],
              },
            ],
            blockedFrom: [],
          },
        ],
        systemExposure,
        publiclyExposed: systemExposure === 'open',
        reasons: [],
        warnings: [],
      });
    }
  }
  return { matches, exposures };
}

const bulletin: Bulletin = {
  id: 'MS08-067',
  releasedAt: { value: '2008-10-23', source },
  cves: ['CVE-2008-4250'],
  products: [],
  remediations: [
    {
      category: 'vendor_fix',
      details: 'KB958644',
      fixIds: ['KB958644'],
      restartRequired: true,
      supersedes: [],
      productIds: [],
      cves: [],
      source,
    },
  ],
  fixIds: ['KB958644'],
  restartRequired: { value: true, source },
  scores: [{ version: '2.0', baseScore: 10, vector: 'AV:N/AC:L/Au:N/C:C/I:C/A:C', source }],
  exploitation: [{ status: 'active', evidence: 'limited, targeted attacks', date: '2008-10-23', source }],
  ssvc: [],
  kev: [],
  epss: [],
  references: [],
  descriptions: [],
  cwes: [],
  vulnerablePorts: [{ protocol: 'tcp', port: 445 }],
  automatable: { value: 'yes', source },
  cycle: { status: 'out-of-cycle', reason: 'bench' },
  sources: [source],
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const rulebook = await RulesFolder.load().rulebook();
  const { matches, exposures } = estate();
  const times: number[] = [];
  let combinations = 0;
  let counts = '';
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const result = await assess({ bulletin, matches, exposures, rulebook, now: NOW });
    times.push(performance.now() - start);
    counts = Object.entries(result.summary.counts)
      .map(([u, n]) => `${u} ${n}`)
      .join(', ');
    combinations = new Set(
      result.verdicts.map((v) =>
        JSON.stringify([
          v.facts.exploitation?.value,
          v.facts.systemExposure?.value,
          v.facts.humanImpact?.value,
          v.facts.publiclyExposed?.value,
        ]),
      ),
    ).size;
  }

  // the naive way: the same facts, but one uncached engine run per asset, on a sample
  const evaluator = new RuleEvaluator(rulebook.rules);
  const facts = bulletinFacts(bulletin, rulebook.policy, (await import('dayjs')).default(NOW));
  const byId = new Map(exposures.map((e) => [e.assetId, e]));
  const sample = matches.slice(0, NAIVE_SAMPLE);
  const naiveStart = performance.now();
  for (const m of sample)
    await evaluator.evaluateUncached(assetFacts(m.asset, byId.get(m.asset.id), facts, rulebook).inputs);
  const naiveSample = performance.now() - naiveStart;
  const naive = (naiveSample * ASSETS) / NAIVE_SAMPLE;

  const full = median(times);
  console.log(
    `assess: ${ASSETS.toLocaleString('en')} affected assets, ${rulebook.rules.length} rules, ${combinations} distinct fact combinations`,
  );
  console.log(`  verdicts: ${counts}`);
  console.log(
    `  full assess (cached engine runs): median ${(full / 1000).toFixed(2)} s of ${RUNS} runs [${times.map((t) => (t / 1000).toFixed(2)).join(', ')}]`,
  );
  console.log(
    `  naive, one engine run per asset: ${(naiveSample / 1000).toFixed(2)} s for ${NAIVE_SAMPLE.toLocaleString('en')} assets, extrapolated to ${(naive / 1000).toFixed(1)} s for ${ASSETS.toLocaleString('en')}`,
  );
  console.log(`  ratio naive / full: ${(naive / full).toFixed(1)}x`);
  console.log(`  target ≤ 3 s: ${full <= 3000 ? 'met' : 'MISSED'}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
