/** Hand-built inputs matching db/seed/README.md: MS08-067 on Thursday 2008-10-23 and the small estate. */
import type { SourceRef } from '../../src/common/provenance';
import type { Bulletin } from '../../src/bulletins/model';
import type { AssetExposure, ZoneReach } from '../../src/exposure/model';
import type { Asset, AssetMatch, MatchStatus } from '../../src/inventory/model';

const handwritten: SourceRef = { format: 'bulletin', document: 'db/seed/ms08-067.bulletin.yaml' };
const cmdb: SourceRef = { format: 'manual', document: 'db/seed/cmdb-servers.csv' };

export function ms08067(overrides: Partial<Bulletin> = {}): Bulletin {
  return {
    id: 'MS08-067',
    title: { value: 'Vulnerability in Server Service Could Allow Remote Code Execution (958644)', source: handwritten },
    vendor: { value: 'Microsoft', source: handwritten },
    releasedAt: { value: '2008-10-23', source: handwritten },
    cves: ['CVE-2008-4250'],
    products: [],
    remediations: [
      {
        category: 'vendor_fix',
        details: 'Install security update KB958644 (a restart is required)',
        fixIds: ['KB958644'],
        restartRequired: true,
        supersedes: ['MS06-040'],
        productIds: [],
        cves: ['CVE-2008-4250'],
        source: handwritten,
      },
    ],
    fixIds: ['KB958644'],
    restartRequired: { value: true, source: handwritten },
    scores: [
      {
        cve: 'CVE-2008-4250',
        version: '2.0',
        baseScore: 10,
        vector: 'AV:N/AC:L/Au:N/C:C/I:C/A:C',
        scoredBy: 'nvd@nist.gov',
        source: { format: 'nvd', document: 'CVE-2008-4250.json' },
      },
    ],
    exploitation: [
      {
        cve: 'CVE-2008-4250',
        status: 'active',
        evidence:
          'Microsoft is aware of limited, targeted attacks that attempt to exploit the vulnerability (bulletin FAQ)',
        date: '2008-10-23',
        source: handwritten,
      },
    ],
    ssvc: [
      {
        cve: 'CVE-2008-4250',
        exploitation: 'active',
        automatable: 'yes',
        technicalImpact: 'total',
        role: 'CISA Coordinator',
        version: '2.0.3',
        timestamp: '2026-05-20T00:00:00Z',
        source: { format: 'cve5', document: 'CVE-2008-4250.cve5.json' },
      },
    ],
    kev: [
      {
        cve: 'CVE-2008-4250',
        dateAdded: '2026-05-20',
        dueDate: '2026-06-10',
        source: { format: 'cve5', document: 'CVE-2008-4250.cve5.json' },
      },
    ],
    epss: [
      {
        cve: 'CVE-2008-4250',
        score: 0.98751,
        percentile: 0.99925,
        scoreDate: '2026-09-29',
        source: { format: 'epss', document: 'epss.csv' },
      },
    ],
    references: [],
    descriptions: [],
    cwes: [],
    vulnerablePorts: [
      { protocol: 'tcp', port: 139 },
      { protocol: 'tcp', port: 445 },
    ],
    automatable: { value: 'yes', source: handwritten },
    cycle: { status: 'out-of-cycle', reason: 'released Thursday 2008-10-23' },
    sources: [handwritten],
    ...overrides,
  };
}

export function asset(name: string, fields: Partial<Asset> = {}): Asset {
  return {
    id: name,
    name,
    addresses: [],
    hostnames: [],
    osCandidates: [],
    services: [],
    installedFixes: [],
    software: [],
    softwareInventories: [],
    criticality: 'high',
    environment: 'production',
    patchedBy: 'self',
    tags: [],
    retired: false,
    securityGroupIds: [],
    conflicts: [],
    sources: [cmdb],
    ...fields,
  };
}

export function match(a: Asset, status: MatchStatus = 'affected'): AssetMatch {
  return { asset: a, status, reasons: [], matchedProducts: [] };
}

function reach(zone: string, filter: string, rule?: number, text?: string): ZoneReach {
  return {
    zone,
    ranges: [],
    path: [
      {
        filter,
        chain: 'FORWARD',
        verdict: 'accept',
        ...(rule !== undefined
          ? {
              rule: {
                number: rule,
                text: text ?? '',
                locator: `line ${rule + 10}`,
                document: `${filter}.iptables-save`,
              },
            }
          : { policy: 'ACCEPT' }),
        assumptions: [],
      },
    ],
  };
}

export function exposure(
  a: Asset,
  systemExposure: AssetExposure['systemExposure'],
  zones: ZoneReach[],
  zone = 'dmz',
): AssetExposure {
  return {
    assetId: a.id,
    assetName: a.name,
    zone,
    ports: [{ protocol: 'tcp', port: 445, reachableFrom: zones, blockedFrom: [] }],
    systemExposure,
    publiclyExposed: zones.some((z) => z.zone === 'internet'),
    reasons: [`tcp/445 reachable from ${zones.map((z) => z.zone).join(', ') || 'no zone'}`],
    warnings: [],
  };
}

export const web01 = asset('web01', { criticality: 'high', cluster: 'web' });
export const web02 = asset('web02', { criticality: 'high', cluster: 'web' });
export const fs01 = asset('fs01', { criticality: 'critical' });
export const fs02 = asset('fs02', { criticality: 'high' });
export const db01 = asset('db01', { criticality: 'medium' });
export const stage01 = asset('stage01', { criticality: 'low', environment: 'staging' });
export const cloudApp01 = asset('cloud-app01', {
  criticality: 'high',
  patchedBy: 'provider',
  provider: 'Contoso Hosting',
  patchSlaDays: 30,
});
export const printsrv = asset('printsrv', { criticality: 'unknown', environment: 'unknown' });

export const seedMatches: AssetMatch[] = [
  match(web01),
  match(web02),
  match(fs01),
  match(fs02, 'patched'),
  match(db01, 'not_affected'),
  match(stage01),
  match(cloudApp01),
  match(printsrv, 'unknown'),
];

export const seedExposures: AssetExposure[] = [
  exposure(web01, 'open', [
    reach('internet', 'edge', 3, '-A FORWARD -d 10.10.0.11/32 -p tcp --dport 445 -j ACCEPT'),
    reach('management', 'edge', 5),
  ]),
  exposure(web02, 'controlled', [reach('management', 'edge', 5)]),
  exposure(fs01, 'controlled', [reach('office', 'core', 2), reach('servers', 'core', 2)], 'servers'),
  exposure(stage01, 'controlled', [reach('management', 'edge', 5)], 'staging'),
  exposure(cloudApp01, 'controlled', [reach('office', 'sg-0cloudapp', 1)], 'cloud'),
];

/** web01 once tcp/445 is blocked at the edge: reachable from management only. */
export const web01Blocked = exposure(web01, 'controlled', [reach('management', 'edge', 5)]);
