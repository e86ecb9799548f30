/** A small audit record built over a real event log, with names and comments chosen to break naive escaping. */
import type { AuditRecord } from '../../src/audit/audit-record';
import { openAppContext } from '../../src/app/app-context';
import { buildDecisionRecord } from '../../src/app/export-decision';
import { tempDbPath } from '../helpers/run-patchcall';

export const HOSTILE_NAME = '<script>window.__pwned=1</script> <!channel> <@U999> <https://evil.example|click>';
export const HOSTILE_COMMENT =
  '=HYPERLINK("https://evil.example") & [link](javascript:alert(1)) | pipe <img src=x onerror=alert(1)>';

const snapshot = {
  bulletinRevision: '1.0',
  bulletinSourceSeqs: [1],
  inventoryHash: 'a'.repeat(64),
  exposureInputsHash: 'b'.repeat(64),
  rulebookHash: 'c'.repeat(64),
  rulesDigest: 'c'.repeat(64),
  rulesFiles: [
    { path: 'exposure.json', sha256: 'd'.repeat(64) },
    { path: 'quorum.json', sha256: 'e'.repeat(64) },
  ],
  logHeadSeq: 1,
};

const EXPOSURE = {
  assetId: 'web01',
  assetName: 'web01',
  zone: 'dmz',
  systemExposure: 'open',
  publiclyExposed: true,
  reasons: ['tcp/445 reachable from the internet'],
  warnings: [],
  ports: [
    {
      protocol: 'tcp',
      port: 445,
      reachableFrom: [
        {
          zone: 'internet',
          ranges: ['0.0.0.0/0'],
          path: [
            {
              filter: 'edge',
              chain: 'FORWARD',
              verdict: 'accept',
              rule: {
                number: 4,
                text: '-A FORWARD -d 10.10.0.11/32 -p tcp --dport 445 -j ACCEPT',
                locator: 'line 12',
                document: 'edge.iptables-save',
              },
              assumptions: [],
            },
          ],
        },
      ],
      blockedFrom: [],
    },
  ],
};

/** The database a sample record is exported from; `sampleRecord` exports it. */
export function sampleDecisionDb(): string {
  const dbPath = tempDbPath();
  let second = 0;
  const ctx = openAppContext({ dbPath, clock: () => new Date(Date.UTC(2008, 9, 23, 18, 0, (second += 50))) });
  const stream = 'decision:d1';
  const append = (type: string, actor: string, payload: unknown) => ctx.events.append({ type, stream, actor, payload });
  ctx.events.append({ type: 'other.happened', stream: 'source:1', actor: 'cli:alice', payload: {} });
  append('decision.convened', 'U_SEC', {
    decisionId: 'd1',
    bulletinId: 'MS08-067',
    channel: { id: 'C1', name: 'patch-ms08-067' },
    bulletin: {
      id: 'MS08-067',
      title: 'Server service',
      cycle: { status: 'out-of-cycle', reason: 'Thursday' },
      cves: [],
      fixIds: [],
      exploitation: 'active',
    },
    assets: [],
    exposures: [EXPOSURE],
    members: { security: ['U_SEC'], network: ['U_NET'], sysadmin: [], owner: ['U_OWN'], delegate: [] },
    roles: {},
    snapshot,
    trigger: 'command',
  });
  append('decision.people-named', 'system', {
    people: [
      { userId: 'U_SEC', name: 'Sam Security', handle: 'sam', source: 'slack' },
      { userId: 'U_NET', name: HOSTILE_NAME, source: 'roster' },
      { userId: 'U_OWN', name: 'Olga Owner', handle: 'olga', source: 'slack' },
    ],
  });
  append('decision.position-recorded', 'U_NET', {
    userId: 'U_NET',
    roles: ['network'],
    stance: 'alternative',
    comment: HOSTILE_COMMENT,
    key: 'k1',
  });
  append('decision.called', 'U_OWN', {
    userId: 'U_OWN',
    as: 'owner',
    outcome: 'waves',
    rationale: 'web01 tonight',
    quorumMet: true,
    quorumSummary: 'quorum met: network 1 of 1',
    recommendedCall: 'waves',
    snapshot,
    key: 'k2',
  });
  ctx.close();
  return dbPath;
}

export function sampleRecord(dbPath = sampleDecisionDb()): AuditRecord {
  const ctx = openAppContext({ dbPath, clock: () => new Date('2008-11-20T09:00:00.000Z') });
  try {
    return buildDecisionRecord(ctx, 'd1', {
      exportedBy: 'cli:auditor',
      slackThread: [
        {
          ts: '1224784800.000100',
          at: '2008-10-23T18:00:00.000Z',
          user: { id: 'U_NET', name: HOSTILE_NAME },
          text: HOSTILE_COMMENT,
          replies: [
            {
              ts: '1224784900.000200',
              at: '2008-10-23T18:01:40.000Z',
              user: { id: 'U_SEC' },
              text: 'reply in thread',
              replies: [],
            },
          ],
        },
      ],
    });
  } finally {
    ctx.close();
  }
}
