/**
 * Records and events from before: a decision whose convened event carries the assessment with the organization's
 * offset (as written before JSON carried UTC) is exported and verified; a version 2 record (recorded times as
 * written) still verifies; a version 1 record (exported before records were signed) is checked as far as it can be
 * and reported as unsigned, exit 3, never as ok.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openAppContext } from '../../src/app/app-context';
import { defaultSigningKeyPath } from '../../src/app/signing-key';
import type { AuditRecord } from '../../src/audit/audit-record';
import { deriveRecordSections } from '../../src/audit/derive-record';
import { signRecord, signingKeyFromPem } from '../../src/audit/record-signature';
import { DecisionEvents, decisionStream } from '../../src/decisions/decision-model';
import { sampleAssessment } from '../decisions/sample-decision';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const SEED_BULLETIN = join(__dirname, '../../db/seed/ms08-067.bulletin.yaml');
const BERLIN_DEADLINE = '2008-10-24T18:00:00+02:00';

/** A decision written by an earlier version: its assessment's times carry the Berlin offset. */
async function olderDecision(): Promise<string> {
  const db = tempDbPath();
  await patchcall(['--db', db, 'import', SEED_BULLETIN]);
  let minute = 0;
  const ctx = openAppContext({ dbPath: db, clock: () => new Date(Date.UTC(2008, 9, 23, 18, minute++)) });
  const stream = decisionStream('ms08-067');
  const append = (type: string, actor: string, payload: unknown) => ctx.events.append({ type, stream, actor, payload });
  const assessment = sampleAssessment();
  assessment.assessedAt = '2008-10-23T18:00:00+02:00';
  assessment.summary.deadline.dueAt = BERLIN_DEADLINE;
  for (const verdict of assessment.verdicts) verdict.deadline.dueAt = BERLIN_DEADLINE;
  append(DecisionEvents.convened, 'U0SEC', {
    decisionId: 'ms08-067',
    bulletinId: 'MS08-067',
    channel: { id: 'C0DECISION', name: 'patch-ms08-067' },
    bulletin: { id: 'MS08-067', title: 'Server service', cycle: { status: 'out-of-cycle', reason: 'Thursday' } },
    assessment,
    assets: [],
    exposures: [],
    members: { security: ['U0SEC'], network: ['U0NET'], sysadmin: [], owner: ['U0OWN'], delegate: [] },
    snapshot: { bulletinRevision: '1.0', rulebookHash: 'c'.repeat(64), logHeadSeq: 1 },
    trigger: 'command',
  });
  append(DecisionEvents.positionRecorded, 'U0NET', { userId: 'U0NET', roles: ['network'], stance: 'agree', key: 'k1' });
  append(DecisionEvents.called, 'U0OWN', {
    userId: 'U0OWN',
    as: 'owner',
    outcome: 'waves',
    rationale: 'web01 tonight, the rest after a day of soak',
    quorumMet: true,
    quorumSummary: 'quorum met',
    recommendedCall: 'waves',
    key: 'k2',
  });
  ctx.close();
  return db;
}

/** The shape `patchcall export` wrote before records were signed (version 1), names resolved at export. */
function asVersion1(record: AuditRecord): Record<string, unknown> {
  const person = (p: { id: string; name?: string } | undefined) =>
    p && { id: p.id, ...(p.name ? { name: p.name } : {}) };
  const entry = (t: AuditRecord['timeline'][number]) => ({ ...t, actor: person(t.actor), summary: `${t.type} (v1)` });
  const chainAssessment = record.chain.links.find((l) => l.type === DecisionEvents.convened)!.payload as {
    assessment: unknown;
  };
  const call = record.decision.call;
  return {
    format: record.format,
    version: 1,
    exportedAt: record.exportedAt,
    exportedBy: person(record.exportedBy),
    decision: {
      ...record.decision,
      convenedBy: person(record.decision.convenedBy),
      positions: record.decision.positions.map((p) => ({ ...p, person: person(p.person) })),
      refusals: record.decision.refusals.map(entry),
      reminders: record.decision.reminders.map(entry),
      call: call && {
        person: person(call.person),
        at: call.at,
        outcome: call.outcome,
        rationale: call.rationale,
        quorumMet: call.quorumMet,
        eventSeq: call.eventSeq,
        snapshot: { recommendedCall: call.recommendedCall, quorum: call.quorumSummary },
      },
    },
    ...(record.bulletin ? { bulletin: record.bulletin } : {}),
    exposures: record.exposures,
    // version 1 showed the assessment as the fold held it: as written
    assessment: chainAssessment.assessment,
    timeline: record.timeline.map(entry),
    slackThread: [],
    chain: record.chain,
  };
}

describe('records and events from before', () => {
  let db: string;
  let record: AuditRecord;
  const file = (name: string, content: unknown) => {
    const path = join(dirname(db), name);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };
  const verify = (path: string) => patchcall(['--db', db, 'audit', 'verify', '--export', path]);

  beforeAll(async () => {
    db = await olderDecision();
    const exported = await patchcall(['--db', db, 'export', 'MS08-067', '--format', 'json']);
    expect(exported.code).toBe(0);
    record = exported.json();
  }, 60000);

  it('exports times written with an offset in UTC (version 3), keeps the events as written, and verifies', async () => {
    expect(record.version).toBe(3);
    expect(record.assessment!.summary.deadline.dueAt).toBe('2008-10-24T16:00:00.000Z');
    expect(record.assessment!.assessedAt).toBe('2008-10-23T16:00:00.000Z');
    const convened = record.chain.links.find((l) => l.type === DecisionEvents.convened)!;
    expect(JSON.stringify(convened.payload)).toContain(BERLIN_DEADLINE);
    const result = await verify(file('v3.json', record));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^record ok/);
  });

  it('a version 2 record, with recorded times as written, still verifies; relabelled, it fails', async () => {
    const key = signingKeyFromPem(readFileSync(defaultSigningKeyPath(db), 'utf8'));
    const { signature: _signature, ...unsigned } = record;
    const sections = deriveRecordSections(record.chain, record.timeZone, 2);
    const v2 = signRecord({ ...unsigned, ...sections, version: 2 } as AuditRecord, key);
    expect(v2.assessment!.summary.deadline.dueAt).toBe(BERLIN_DEADLINE);
    expect((await verify(file('v2.json', v2))).code).toBe(0);

    const relabelled = signRecord({ ...unsigned, version: 2 } as AuditRecord, key);
    const result = await verify(file('v2-relabelled.json', relabelled));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^record BROKEN at \/assessment\/assessedAt/);
  });

  it('a version 1 record: links and facts checked, reported unsigned with exit 3, never ok', async () => {
    const v1 = asVersion1(record);
    const result = await verify(file('v1.json', v1));
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('record UNSIGNED (version 1, exported before records were signed)');
    expect(result.stdout).toMatch(/^links ok: \d+ events of decision:ms08-067/m);
    expect(result.stdout).toContain(': /decision, /exposures, /assessment, /timeline\n');
    expect(result.stdout).toMatch(/^not checked: completeness .*\/bulletin.*\/slackThread/m);

    const json = await patchcall(['--db', db, '--json', 'audit', 'verify', '--export', file('v1.json', v1)]);
    expect(json.code).toBe(3);
    expect(json.json()).toMatchObject({ ok: false, unsigned: true, version: 1, pointer: '/signature' });

    const edited = JSON.parse(JSON.stringify(v1));
    edited.decision.call.rationale = 'patched everything at once';
    const broken = await verify(file('v1-edited.json', edited));
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^record BROKEN at \/decision\/call\/rationale/);

    // what an unsigned record cannot show: cut after the position, with its sections cut to match
    const calledAt = record.chain.links.findIndex((l) => l.type === DecisionEvents.called);
    const cutChain = { ...record.chain, links: record.chain.links.slice(0, calledAt) };
    const cut = asVersion1({ ...record, chain: cutChain, ...deriveRecordSections(cutChain, record.timeZone) });
    const cutResult = await verify(file('v1-cut.json', cut));
    expect(cutResult.code).toBe(3);
    expect(cutResult.stdout).toContain('nothing proves it complete');
  });
});
