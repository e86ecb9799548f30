/**
 * `/patch export` uploads the decision's audit record into its channel (role members and admins only), and the
 * chain head is anchored in the audit channel at the call and daily, so `audit verify --anchors` can compare.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadDecision } from '../../../src/app/decision-log';
import { verifyExportedRecord } from '../../../src/audit/verify-exported-record';
import { ActionIds } from '../../../src/slack/action-ids';
import { PEOPLE } from '../../decisions/sample-decision';
import type { SlackHarness } from '../../helpers/slack-harness';
import { patchcall } from '../../helpers/run-patchcall';
import { usePostgres } from '../../helpers/postgres';
import { startDecisionHarness, eventually, storeFor, STORES, submitCallModal } from './decision-flow-setup';

const postgres = usePostgres();

const AUDIT = 'patchcall-audit';

describe.each(STORES)('/patch export and anchors (on %s)', (store) => {
  let h: SlackHarness;
  let channel: string;
  let cardTs: string;

  async function openAndCall(): Promise<void> {
    h.standIn.addChannel({ name: AUDIT, members: [h.standIn.botUserId] });
    await h.command('open MS08-067');
    cardTs = await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
    channel = loadDecision(h.ctx, 'MS08-067').channel!.id;
    await h.blockAction({
      actionId: ActionIds.makeCall,
      value: 'MS08-067',
      userId: PEOPLE.owner,
      messageTs: cardTs,
      channelId: channel,
    });
    await submitCallModal(h, {
      outcome: 'waves',
      rationale: 'web01 tonight, the rest after soak',
      override: 'the worm does not wait for quorum',
    });
    await eventually(() => loadDecision(h.ctx, 'MS08-067').call?.message, 'the call posted');
  }

  const reply = async (text: string, userId: string) => {
    const before = h.standIn.responses().length;
    await h.command(text, { userId });
    return JSON.stringify((await eventually(() => h.standIn.responses()[before], text)).body);
  };

  afterEach(async () => h?.stop());

  it('anchors the head at the call; audit verify --anchors compares the database with the channel', async () => {
    h = await startDecisionHarness({ env: { PATCHCALL_AUDIT_CHANNEL: AUDIT }, store: await storeFor(store, postgres) });
    await openAndCall();
    // the app anchors once when it starts (no earlier anchor), then at the call
    const anchor = await eventually(
      () =>
        h.standIn
          .channel(AUDIT)!
          .messages.find((m) => m.text.startsWith('patchcall anchor') && m.text.endsWith('(call)')),
      'the anchor',
    );
    const seq = Number(/seq=(\d+)/.exec(anchor.text)![1]);
    const called = [...h.ctx.events.read({ stream: 'decision:MS08-067', type: 'decision.called' })][0]!;
    expect(seq).toBeGreaterThanOrEqual(called.seq); // the anchor covers the call
    expect(anchor.text).toContain(`hash=${h.ctx.events.hashAt(seq)}`);

    const history = join(dirname(h.dbPath), 'audit-channel.json');
    writeFileSync(history, JSON.stringify({ ok: true, messages: h.standIn.channel(AUDIT)!.messages }));
    const verified = await patchcall(
      ['--db', h.dbPath, 'audit', 'verify', '--anchors', history],
      h.store.kind === 'postgres' ? { env: { PATCHCALL_DATABASE_URL: h.store.url } } : {},
    );
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/anchors ok: [12] anchors? match/);
  });

  it('uploads the JSON and HTML records for a role member, refuses outsiders on the record', async () => {
    h = await startDecisionHarness({ store: await storeFor(store, postgres) });
    await openAndCall();
    expect(await reply('export MS08-067', PEOPLE.outsider)).toContain('Only the members of the decision roles');
    expect(
      [...h.ctx.events.read({ stream: 'decision:MS08-067', type: 'decision.refused' })].map((e) => e.payload),
    ).toContainEqual(expect.objectContaining({ userId: PEOPLE.outsider, attempted: 'export' }));
    expect(h.standIn.files()).toHaveLength(0);

    const answer = await reply('export MS08-067', PEOPLE.sec1);
    expect(answer).toContain('Uploaded `audit-MS08-067.json` and `audit-MS08-067.html`');
    const files = h.standIn.files();
    expect(files.map((f) => f.filename).sort()).toEqual(['audit-MS08-067.html', 'audit-MS08-067.json']);
    const record = JSON.parse(files.find((f) => f.filename.endsWith('.json'))!.content!.toString('utf8'));
    expect(
      verifyExportedRecord(record, 'upload', { keys: new Map([[h.ctx.signingKey.publicKey, 'the app']]) }),
    ).toMatchObject({ ok: true });
    expect(record.decision.call).toMatchObject({ person: { id: PEOPLE.owner }, outcome: 'waves' });
    expect(record.slackThread.length).toBeGreaterThan(0);
    expect(files.find((f) => f.filename.endsWith('.html'))!.content!.toString('utf8')).toContain(
      '<table id="timeline">',
    );
    const exported = [...h.ctx.events.read({ stream: 'decision:MS08-067', type: 'decision.exported' })];
    expect(exported[0]!.payload).toMatchObject({
      userId: PEOPLE.sec1,
      channel,
      files: [{ name: 'audit-MS08-067.json' }, { name: 'audit-MS08-067.html' }],
    });
  });

  it('anchors daily while it runs', async () => {
    h = await startDecisionHarness({
      env: { PATCHCALL_AUDIT_CHANNEL: AUDIT },
      anchorIntervalMs: 300,
      store: await storeFor(store, postgres),
    });
    h.standIn.addChannel({ name: AUDIT, members: [h.standIn.botUserId] });
    const daily = await eventually(
      () =>
        [...h.ctx.events.read({ stream: 'audit', type: 'audit.anchored' })].find(
          (e) => (e.payload as { reason: string }).reason === 'daily',
        ),
      'a daily anchor',
    );
    expect(
      h.standIn
        .channel(AUDIT)!
        .messages.some((m) => m.text.includes(`hash=${(daily.payload as { hash: string }).hash}`)),
    ).toBe(true);
  });
});
