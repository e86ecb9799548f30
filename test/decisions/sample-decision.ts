/** A hand-made MS08-067 assessment and convened event, for tests of the fold, the quorum and the card. */
import type {
  ConvenedPayload,
  DecisionEvent,
  PositionPayload,
  Stance,
  SpeakingRole,
} from '../../src/decisions/decision-model';
import type { Assessment, AssetVerdict, Urgency } from '../../src/risk/model';

function verdict(assetId: string, urgency: Urgency, exposure: string): AssetVerdict {
  return {
    assetId,
    assetName: assetId,
    urgency,
    facts: { system_exposure: { value: exposure, source: 'firewall analysis' } },
    deadline: { dueAt: '2008-10-24T16:00:00.000Z', reason: 'Immediate: 24 h' },
    explanation: [`${assetId} is reachable`],
    rulesFired: [],
  };
}

export function sampleAssessment(overrides: Partial<Assessment['summary']> = {}): Assessment {
  return {
    bulletinId: 'MS08-067',
    assessedAt: '2008-10-23T16:00:00.000Z',
    verdicts: [
      verdict('stage01', 'out-of-cycle', 'small'),
      verdict('web01', 'immediate', 'open'),
      verdict('fs01', 'immediate', 'controlled'),
    ],
    plan: [
      {
        kind: 'patch-wave',
        title: 'Wave 1: staging',
        assets: ['stage01'],
        dueAt: '2008-10-23T22:00:00.000Z',
        details: 'soak first',
      },
      {
        kind: 'patch-now',
        title: 'Patch the internet-facing server',
        assets: ['web01'],
        details: 'open to the internet',
      },
    ],
    summary: {
      counts: { immediate: 2, 'out-of-cycle': 1, scheduled: 0, defer: 0 },
      urgency: 'immediate',
      recommendedCall: 'patch-now',
      deadline: { dueAt: '2008-10-24T16:00:00.000Z', reason: 'Immediate: 24 h' },
      headline: 'Wormable RCE over SMB, exploited, one server open to the internet',
      reasons: ['Exploitation: active (Microsoft)', 'Automatable: yes (wormable)'],
      ...overrides,
    },
  };
}

export const PEOPLE = {
  sec1: 'U0SEC0001',
  sec2: 'U0SEC0002',
  net: 'U0NET0001',
  sys1: 'U0SYS0001',
  sys2: 'U0SYS0002',
  owner: 'U0OWN0001',
  delegate: 'U0DEL0001',
  outsider: 'U0OUT0001',
};

export function convenedPayload(overrides: Partial<ConvenedPayload> = {}): ConvenedPayload {
  return {
    decisionId: 'MS08-067',
    bulletinId: 'MS08-067',
    channel: { id: 'C0PATCH01', name: 'patch-ms08-067' },
    bulletin: {
      id: 'MS08-067',
      title: 'Vulnerability in Server Service Could Allow Remote Code Execution (958644)',
      vendor: 'Microsoft',
      releasedAt: '2008-10-23T17:00:00.000Z',
      cycle: { status: 'out-of-cycle', reason: 'released on a Thursday, outside Patch Tuesday' },
      cves: ['CVE-2008-4250'],
      fixIds: ['KB958644'],
      restartRequired: true,
      exploitation: 'exploited in the wild: Microsoft is aware of limited, targeted attacks',
    },
    assessment: sampleAssessment(),
    assets: [
      {
        assetId: 'web01',
        name: 'web01',
        urgency: 'immediate',
        exposure: 'open',
        publiclyExposed: true,
        reach: 'tcp/445 from internet',
      },
      {
        assetId: 'fs01',
        name: 'fs01',
        urgency: 'immediate',
        exposure: 'controlled',
        publiclyExposed: false,
        reach: 'tcp/445 from office',
      },
      {
        assetId: 'stage01',
        name: 'stage01',
        urgency: 'out-of-cycle',
        exposure: 'small',
        publiclyExposed: false,
        reach: '',
      },
    ],
    exposures: [],
    members: {
      security: [PEOPLE.sec1, PEOPLE.sec2],
      network: [PEOPLE.net],
      sysadmin: [PEOPLE.sys1, PEOPLE.sys2],
      owner: [PEOPLE.owner],
      delegate: [PEOPLE.delegate],
    },
    roles: {
      security: { users: [PEOPLE.sec1, PEOPLE.sec2], groups: [] },
      network: { users: [PEOPLE.net], groups: [] },
      sysadmin: { users: [], groups: ['S0SYSADMIN'] },
      owner: { users: [PEOPLE.owner], groups: [] },
      delegate: { users: [PEOPLE.delegate], groups: [] },
    },
    snapshot: {
      bulletinRevision: '1.0',
      bulletinSourceSeqs: [1],
      inventoryHash: 'a'.repeat(64),
      exposureInputsHash: 'b'.repeat(64),
      rulebookHash: 'c'.repeat(64),
      logHeadSeq: 10,
    },
    trigger: 'command',
    ...overrides,
  };
}

/** Events numbered from 1, one minute apart. */
export function eventsFrom(items: { type: string; actor?: string; payload: unknown }[]): DecisionEvent[] {
  return items.map((item, i) => ({
    seq: i + 1,
    at: new Date(Date.UTC(2008, 9, 23, 16, i)).toISOString(),
    actor: item.actor ?? 'U0SEC0001',
    type: item.type,
    payload: item.payload,
  }));
}

export function position(
  userId: string,
  roles: SpeakingRole[],
  stance: Stance,
  key: string,
  comment?: string,
): { type: string; actor: string; payload: PositionPayload } {
  return {
    type: 'decision.position-recorded',
    actor: userId,
    payload: { userId, roles, stance, key, ...(comment ? { comment } : {}) },
  };
}
