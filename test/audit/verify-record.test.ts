/**
 * A real record (a decision convened, argued and called through the Slack app against the local stand-in, then
 * exported with `/patch export`) checked the way an auditor or an attacker would: every section edited in turn,
 * the tail cut after the call, the record re-signed with another key, the key rotated, a person renamed.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { loadDecision } from '../../src/app/decision-log';
import type { AuditRecord } from '../../src/audit/audit-record';
import { anchorText } from '../../src/audit/anchors';
import { formatTime } from '../../src/common/time-format';
import { deriveRecordSections, derivedPointers, uncoveredPointers } from '../../src/audit/derive-record';
import { signRecord, signingKeyFromPem } from '../../src/audit/record-signature';
import { verifyExportedRecord, type TrustedKeys } from '../../src/audit/verify-exported-record';
import { ActionIds } from '../../src/slack/action-ids';
import { PEOPLE } from '../decisions/sample-decision';
import type { SlackHarness } from '../helpers/slack-harness';
import { patchcall } from '../helpers/run-patchcall';
import { startDecisionHarness, eventually, submitCallModal } from '../slack/flows/decision-flow-setup';

const STREAM = 'decision:MS08-067';

async function decideAndExport(h: SlackHarness): Promise<AuditRecord> {
  await h.command('open MS08-067');
  const cardTs = await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
  const channel = loadDecision(h.ctx, 'MS08-067').channel!.id;
  const click = (userId: string, actionId: string) =>
    h.blockAction({ actionId, value: 'MS08-067', userId, messageTs: cardTs, channelId: channel });
  await click(PEOPLE.sec1, ActionIds.agree);
  await click(PEOPLE.net, ActionIds.agree);
  await click(PEOPLE.outsider, ActionIds.agree);
  await eventually(
    () => [...h.ctx.events.read({ stream: STREAM, type: 'decision.refused' })].length === 1,
    'the refusal',
  );
  await click(PEOPLE.owner, ActionIds.makeCall);
  await submitCallModal(h, {
    outcome: 'waves',
    rationale: 'web01 tonight, the rest after soak',
    override: 'the worm does not wait',
  });
  await eventually(() => loadDecision(h.ctx, 'MS08-067').call?.message?.pinned, 'the call posted and pinned');
  return exportNow(h);
}

async function exportNow(h: SlackHarness): Promise<AuditRecord> {
  const before = h.standIn.files().length;
  const exportedBefore = [...h.ctx.events.read({ stream: STREAM, type: 'decision.exported' })].length;
  await h.command('export MS08-067 json', { userId: PEOPLE.sec1 });
  // the upload is the record outbox's; the export is on the record once every file is in the channel
  await eventually(
    () => [...h.ctx.events.read({ stream: STREAM, type: 'decision.exported' })].length > exportedBefore,
    'the export on the record',
  );
  const file = await eventually(
    () => h.standIn.files().find((f, i) => i >= before && f.filename.endsWith('.json') && f.content),
    'the uploaded record',
  );
  return JSON.parse(file.content!.toString('utf8')) as AuditRecord;
}

const clone = (record: AuditRecord): AuditRecord => JSON.parse(JSON.stringify(record)) as AuditRecord;

describe('audit verify --export on a real record', () => {
  let h: SlackHarness;
  let record: AuditRecord;
  let trusted: TrustedKeys;

  beforeAll(async () => {
    h = await startDecisionHarness();
    record = await decideAndExport(h);
    trusted = { keys: new Map([[h.ctx.signingKey.publicKey, 'the installation']]) };
  }, 60000);
  afterAll(async () => h?.stop());

  it('passes untouched, names every actor, and says what the chain does not cover', async () => {
    expect(verifyExportedRecord(record, 'record.json', trusted)).toMatchObject({
      ok: true,
      fromChain: [
        '/decision',
        '/people',
        '/exposures',
        '/assessment',
        '/bulletin',
        '/rules',
        '/timeline',
        '/decisionAtHead',
      ],
      notCoveredByChain: ['/chainHead', '/exportedAt', '/exportedBy', '/slackThread', '/timeZone'],
    });
    // named from the roster when convened; the Slack profile seen at export names later events
    expect(record.decision.call!.person).toEqual({ id: PEOPLE.owner, name: 'Olga Owner (head of IT operations)' });
    expect(record.people.filter((p) => p.id === PEOPLE.owner).map((p) => [p.name, p.handle, p.source])).toEqual([
      ['Olga Owner (head of IT operations)', undefined, 'roster'],
      ['owner', 'owner', 'slack'],
    ]);
    expect(record.timeline.every((t) => t.actor.id === 'system' || t.actor.name)).toBe(true);
    // the decision went through the Slack outbox: its steps are in the chain, each told in a sentence of its own
    const outboxSteps = [
      'decision.channel-created',
      'decision.topic-set',
      'decision.invited',
      'decision.effect-attempted',
      'decision.card-posted',
      'decision.call-posted',
      'decision.call-pinned',
    ];
    for (const type of outboxSteps) expect(record.timeline.map((t) => t.type)).toContain(type);
    expect(record.timeline.filter((t) => t.summary === t.type)).toEqual([]);
    const topic = record.timeline.find((t) => t.type === 'decision.topic-set')!.summary;
    expect(topic).toContain(`deadline ${formatTime(record.assessment!.summary.deadline.dueAt, record.timeZone)}`);
    expect(topic).not.toContain('recorded text');

    const file = join(dirname(h.dbPath), 'record.json');
    writeFileSync(file, JSON.stringify(record));
    const cli = await patchcall(['--db', h.dbPath, 'audit', 'verify', '--export', file]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(
      'not covered by the chain: /chainHead, /exportedAt, /exportedBy, /slackThread, /timeZone',
    );
    expect(cli.stdout).toMatch(/signature ok: key [0-9a-f]{16}, vouched for by this installation's key/);
  });

  it('lists every rules file with its digest, as recorded at convening and at the call', () => {
    const paths = h.ctx.rules.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(['exposure.json', 'quorum.json', 'service-ports.json', 'policy.json']),
    );
    expect(record.rules).toEqual({
      digest: h.ctx.rules.digest,
      files: h.ctx.rules.files.map((f) => ({ path: f.path, sha256: f.sha256 })),
      covers: expect.stringContaining('the whole rules folder'),
    });
    const convened = loadDecision(h.ctx, 'MS08-067');
    for (const snapshot of [convened.snapshot!, convened.call!.snapshot]) {
      expect(snapshot.rulesDigest).toBe(h.ctx.rules.digest);
      expect(snapshot.rulesFiles!.map((f) => f.path)).toEqual(paths);
    }
  });

  it('fails every edited section, naming its JSON pointer', () => {
    const edits: [string, (r: AuditRecord) => void, string][] = [
      ['the decider', (r) => (r.decision.call!.person.id = PEOPLE.delegate), '/decision/call/person/id'],
      ['the outcome', (r) => (r.decision.call!.outcome = 'defer'), '/decision/call/outcome'],
      ['the rationale', (r) => (r.decision.call!.rationale = 'we always meant to wait'), '/decision/call/rationale'],
      ['a position', (r) => (r.decision.positions[0]!.stance = 'alternative'), '/decision/positions/0/stance'],
      ['a position removed', (r) => r.decision.positions.pop(), '/decision/positions/1'],
      ['a refusal', (r) => (r.decision.refusals = []), '/decision/refusals/0'],
      ['the status', (r) => (r.decision.status = 'open'), '/decision/status'],
      ['a name', (r) => (r.people[0]!.name = 'Mallory'), '/people/0/name'],
      ['the timeline', (r) => (r.timeline[1]!.summary = 'nothing happened'), '/timeline/1/summary'],
      ['a timeline actor', (r) => (r.timeline[0]!.actor.name = 'Someone Else'), '/timeline/0/actor/name'],
      ['the assessment', (r) => (r.assessment!.summary.urgency = 'defer'), '/assessment/summary/urgency'],
      ['the exposure', (r) => (r.exposures[0]!.systemExposure = 'small'), '/exposures/0/systemExposure'],
      ['the bulletin', (r) => (r.bulletin!.title!.value = 'harmless'), '/bulletin/title/value'],
      ['the rules digest', (r) => (r.rules!.digest = 'f'.repeat(64)), '/rules/digest'],
      ['a rules file digest', (r) => (r.rules!.files[1]!.sha256 = 'f'.repeat(64)), '/rules/files/1/sha256'],
      ['the state at the head', (r) => (r.decisionAtHead.lastSeq -= 1), '/decisionAtHead/lastSeq'],
      ['the coverage claim', (r) => (r.coverage.fromChain = ['/decision']), '/coverage/fromChain'],
      ['the chain head', (r) => (r.chainHead.seq = 1), '/chainHead'],
      ['the Slack thread', (r) => (r.slackThread[0]!.text = 'forged'), '/signature'],
      ['who exported', (r) => (r.exportedBy.id = PEOPLE.owner), '/signature'],
      ['when', (r) => (r.exportedAt = '2009-01-01T00:00:00.000Z'), '/signature'],
      ['the time zone', (r) => (r.timeZone = 'UTC'), '/timeline/0/summary'],
    ];
    for (const [name, edit, pointer] of edits) {
      const copy = clone(record);
      edit(copy);
      const verdict = verifyExportedRecord(copy, 'record.json', trusted);
      expect({ name, ok: verdict.ok, pointer: verdict.ok ? undefined : verdict.pointer }).toEqual({
        name,
        ok: false,
        pointer,
      });
    }
  });

  it('fails a tail cut after the call, even when every section is derived again from the shorter chain', () => {
    const calledAt = record.chain.links.findIndex((l) => l.type === 'decision.called');
    expect(calledAt).toBeGreaterThan(0);
    const cut = clone(record);
    cut.chain.links = cut.chain.links.slice(0, calledAt);
    expect(verifyExportedRecord(cut, 'record.json', trusted)).toMatchObject({ ok: false, pointer: '/decision/call' });

    // an attacker who runs our own code over the shorter chain gets consistent sections, but not our signature
    const rederived = { ...cut, ...deriveRecordSections(cut.chain, cut.timeZone) } as AuditRecord;
    rederived.coverage = {
      fromChain: derivedPointers(rederived),
      notCoveredByChain: uncoveredPointers(rederived, derivedPointers(rederived)),
    };
    expect(verifyExportedRecord(rederived, 'record.json', trusted)).toMatchObject({
      ok: false,
      pointer: '/signature',
      problem: expect.stringContaining('cut off'),
    });
  });

  it('fails a record re-signed with another key unless --key or the anchors vouch for that key', () => {
    const forger = signingKeyFromPem(
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    const forged = clone(record);
    forged.decision.call!.rationale = 'forged';
    const resigned = signRecord(
      { ...forged, ...deriveRecordSections(forged.chain, forged.timeZone) } as AuditRecord,
      forger,
    );
    expect(verifyExportedRecord(resigned, 'record.json', trusted)).toMatchObject({
      ok: false,
      pointer: '/signature/publicKey',
      problem: expect.stringContaining(`signed by key ${forger.keyId}`),
    });
    expect(verifyExportedRecord(resigned, 'record.json', { keys: new Map() })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('nothing vouches for that key'),
    });
  });

  it('an old record still verifies after the key changes, when its key is published in the anchors', async () => {
    const file = join(dirname(h.dbPath), 'old-record.json');
    writeFileSync(file, JSON.stringify(record));
    const anchors = join(dirname(h.dbPath), 'audit-channel.txt');
    const newKey = signingKeyFromPem(
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    const newKeyFile = join(dirname(h.dbPath), 'new-signing-key.pem');
    writeFileSync(newKeyFile, newKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    const head = h.ctx.events.head();
    writeFileSync(
      anchors,
      [
        anchorText(head, '2008-10-23T20:00:00Z', h.ctx.signingKey.publicKey),
        anchorText(head, '2008-11-01T00:00:00Z', newKey.publicKey),
      ].join('\n'),
    );
    const env = { PATCHCALL_SIGNING_KEY: newKeyFile };
    const withoutAnchors = await patchcall(['audit', 'verify', '--export', file], { env });
    expect(withoutAnchors.code).toBe(1);
    expect(withoutAnchors.stdout).toMatch(/which neither --key, the anchors nor this installation vouch for/);
    const withAnchors = await patchcall(['audit', 'verify', '--export', file, '--anchors', anchors], { env });
    expect(withAnchors.code).toBe(0);
    expect(withAnchors.stdout).toMatch(/vouched for by the anchor at line 1/);
    const withKey = await patchcall(['audit', 'verify', '--export', file, '--key', record.signature!.publicKey], {
      env,
    });
    expect(withKey.code).toBe(0);
  });

  it('names survive a rename: earlier events keep the name recorded before them', async () => {
    const before = record.timeline.find((t) => t.type === 'decision.called')!;
    expect(before.actor.name).toBe('Olga Owner (head of IT operations)');
    h.standIn.addUser({ id: PEOPLE.owner, name: 'olga', real_name: 'Olga Renamed' });
    const after = await exportNow(h);
    expect(verifyExportedRecord(after, 'record.json', trusted)).toMatchObject({ ok: true });
    expect(after.timeline.find((t) => t.seq === before.seq)!.actor).toEqual(before.actor);
    expect(after.decision.call!.person).toEqual(record.decision.call!.person);
    const renamed = after.people.filter((p) => p.id === PEOPLE.owner);
    expect(renamed.map((p) => p.name)).toEqual(['Olga Owner (head of IT operations)', 'owner', 'Olga Renamed']);
    expect(renamed[2]!.handle).toBe('olga');
    const lastExport = after.timeline.filter((t) => t.type === 'decision.exported').pop()!;
    expect(lastExport.actor.id).toBe(PEOPLE.sec1);
  }, 30000);
});
