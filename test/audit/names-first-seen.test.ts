/**
 * Names as known at the time, for someone the roster does not name: a person outside the roster clicks, the outbox
 * asks Slack for their profile after the click is answered and records it, the person is renamed in Slack, and the
 * record exported afterwards still shows the name they had when they clicked.
 */
import { loadDecision } from '../../src/app/decision-log';
import type { AuditRecord } from '../../src/audit/audit-record';
import { verifyExportedRecord } from '../../src/audit/verify-exported-record';
import type { PeopleNamedPayload } from '../../src/decisions/decision-model';
import { ActionIds } from '../../src/slack/action-ids';
import type { SlackHarness } from '../helpers/slack-harness';
import { PEOPLE } from '../decisions/sample-decision';
import { eventually, startDecisionHarness } from '../slack/flows/decision-flow-setup';

const STREAM = 'decision:MS08-067';
const NEWCOMER = 'U0NEW0001';
const GHOST = 'U0GHOST01';

describe('a person outside the roster is named when first seen, not at export', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startDecisionHarness();
  }, 60000);
  afterAll(async () => h?.stop());

  const namings = () =>
    [...h.ctx.events.read<PeopleNamedPayload>({ stream: STREAM, type: 'decision.people-named' })].filter(
      (e) => e.payload.people.some((p) => p.userId === NEWCOMER) || e.payload.unknown?.includes(GHOST),
    );

  it('records the Slack name after the click, once, and the export keeps it after a rename', async () => {
    h.standIn.addUser({ id: NEWCOMER, name: 'nina', real_name: 'Nina Newcomer' });
    await h.command('open MS08-067');
    const cardTs = await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
    const channel = loadDecision(h.ctx, 'MS08-067').channel!.id;
    const click = (userId: string) =>
      h.blockAction({ actionId: ActionIds.agree, value: 'MS08-067', userId, messageTs: cardTs, channelId: channel });

    await click(NEWCOMER);
    const [named] = await eventually(() => (namings().length ? namings() : undefined), 'the newcomer named');
    const refusal = [...h.ctx.events.read({ stream: STREAM, type: 'decision.refused' })].pop()!;
    expect(named!.seq).toBeGreaterThan(refusal.seq);
    expect(named!.actor).toBe('system');
    // the opener may be named in the same event: the outbox's steps wait while a request (the click) waits for its ack
    expect(named!.payload.people.filter((p) => p.userId === NEWCOMER)).toEqual([
      { userId: NEWCOMER, name: 'Nina Newcomer', handle: 'nina', source: 'slack' },
    ]);

    // clicking again is not a first sight: nothing more to ask
    await click(NEWCOMER);
    await eventually(
      () => [...h.ctx.events.read({ stream: STREAM, type: 'decision.refused' })].length === 2,
      'the second refusal',
    );
    await click(PEOPLE.sec1);
    await eventually(() => loadDecision(h.ctx, 'MS08-067').positions[PEOPLE.sec1], 'the position');
    expect(namings()).toHaveLength(1);
    expect(loadDecision(h.ctx, 'MS08-067').unnamedActors).toEqual([]);

    h.standIn.addUser({ id: NEWCOMER, name: 'nina.r', real_name: 'Nina Renamed' });
    const before = h.standIn.files().length;
    await h.command('export MS08-067 json', { userId: PEOPLE.sec1 });
    const file = await eventually(
      () => h.standIn.files().find((f, i) => i >= before && f.filename.endsWith('.json') && f.content),
      'the uploaded record',
    );
    const record = JSON.parse(file.content!.toString('utf8')) as AuditRecord;
    expect(
      verifyExportedRecord(record, 'record.json', { keys: new Map([[h.ctx.signingKey.publicKey, 'test']]) }),
    ).toMatchObject({ ok: true });
    const refusals = record.timeline.filter((t) => t.type === 'decision.refused');
    expect(refusals).toHaveLength(2);
    for (const entry of refusals) expect(entry.actor).toEqual({ id: NEWCOMER, name: 'Nina Newcomer', handle: 'nina' });
    // the rename is recorded at export, for what happens from then on
    expect(record.people.filter((p) => p.id === NEWCOMER).map((p) => p.name)).toEqual([
      'Nina Newcomer',
      'Nina Renamed',
    ]);
  }, 30000);

  it('a user Slack has no profile for is asked once and recorded as unknown', async () => {
    const state = loadDecision(h.ctx, 'MS08-067');
    const infoCalls = () => h.standIn.calls('users.info').filter((c) => c.args.user === GHOST).length;
    await h.blockAction({
      actionId: ActionIds.agree,
      value: 'MS08-067',
      userId: GHOST,
      messageTs: state.cardTs!,
      channelId: state.channel!.id,
    });
    const [unknown] = await eventually(
      () => (namings().some((e) => e.payload.unknown) ? namings().filter((e) => e.payload.unknown) : undefined),
      'the ghost recorded as unknown',
    );
    expect(unknown!.payload).toEqual({ people: [], unknown: [GHOST] });
    expect(infoCalls()).toBe(1);
    expect(loadDecision(h.ctx, 'MS08-067').unnamedActors).toEqual([]);
  });
});
