/**
 * A decision that lives on after its call, through the real Slack app and the local stand-in, with the product's
 * own assessment: a later KEV listing re-opens the call (posted in the channel, the card marked, the owner asked),
 * the owner confirms it, a later Get-HotFix export and scan show the plan carried out and the decision closes
 * itself; the provider request is posted for the owner and the provider's answer is recorded with /patch provider.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDecision } from '../../../src/app/decision-log';
import { readDocumentFile } from '../../../src/app/read-document';
import { LivingEvents } from '../../../src/decisions/living-decision';
import { ActionIds } from '../../../src/slack/action-ids';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import { usePostgres } from '../../helpers/postgres';
import { startSlackHarness, type SlackHarness } from '../../helpers/slack-harness';
import { ADMIN, eventually, storeFor, STORES, submitCallModal } from './decision-flow-setup';

const postgres = usePostgres();

const seedDir = join(__dirname, '../../../db/seed');
const later = (name: string) => join(__dirname, '../../fixtures/living', name);
const TOKEN = 'ingest-token-for-the-living-tests';

describe.each(STORES)('living decisions through the Slack app (on %s)', (store) => {
  let h: SlackHarness;
  let now = new Date('2008-10-23T18:30:00Z');
  afterEach(async () => h?.stop());

  async function start(): Promise<void> {
    now = new Date('2008-10-23T18:30:00Z');
    h = await startSlackHarness({
      env: { PATCHCALL_ADMINS: ADMIN, PATCHCALL_INGEST_TOKEN: TOKEN },
      logLevel: 'warn',
      clock: () => now,
      store: await storeFor(store, postgres),
    });
    for (const file of readdirSync(seedDir)
      .filter((f) => !f.endsWith('.md'))
      .sort())
      await h.patchcall.importDocuments([readDocumentFile(join(seedDir, file))], { actor: 'test' });
    for (const [key, id] of Object.entries(PEOPLE)) h.standIn.addUser({ id, name: key });
    h.standIn.addUsergroup({
      id: 'S0SYSADMIN',
      handle: 'win-sysadmins',
      name: 'Windows sysadmins',
      users: [PEOPLE.sys1, PEOPLE.sys2],
    });
  }

  const state = () => loadDecision(h.ctx, 'MS08-067');
  const channelTexts = () =>
    h.standIn.channel(state().channel!.id)!.messages.map((m) => (m.blocks ? blocksToText(m.blocks) : (m.text ?? '')));
  const card = () => {
    const message = h.standIn.channel(state().channel!.id)!.messages.find((m) => m.ts === state().cardTs)!;
    return blocksToText(message.blocks!);
  };
  const eventsOf = (type: string) =>
    [...h.ctx.events.read({ stream: 'decision:MS08-067' })].filter((e) => e.type === type);
  const ingest = (file: string) =>
    h.request(`/bulletins?name=${encodeURIComponent(file.split('/').pop()!)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: readFileSync(file),
    });
  const settled = async () => {
    await eventually(() => !h.deps.outbox.pending('MS08-067'), 'the outbox to catch up');
    await h.deps.outbox.idle();
  };

  async function conveneAndCall(): Promise<void> {
    await h.command('open MS08-067', { userId: PEOPLE.sec1 });
    const cardTs = await eventually(() => state().cardTs, 'the card');
    await h.blockAction({
      actionId: ActionIds.makeCall,
      value: 'MS08-067',
      userId: PEOPLE.owner,
      messageTs: cardTs,
      channelId: state().channel!.id,
    });
    await submitCallModal(h, { outcome: 'patch-now', rationale: 'wormable and exploited', override: 'no time' });
    await eventually(() => state().call?.message?.pinned, 'the call pinned');
    await settled();
  }

  it('re-opens the call when a KEV import changes the facts, once, and the owner confirms it', async () => {
    await start();
    await conveneAndCall();
    const messagesBefore = channelTexts().length;

    now = new Date('2008-10-24T12:00:00Z');
    expect((await ingest(later('kev-ms08-067.json'))).status).toBe(201);
    await eventually(() => eventsOf(LivingEvents.factsChanged).length === 1, 'the facts-changed event');
    await settled();

    const [changed] = eventsOf(LivingEvents.factsChanged) as { payload: { changes: { summary: string } } }[];
    expect(changed!.payload.changes.summary).toMatch(/inKev: no → yes/);
    const posted = channelTexts().slice(messagesBefore);
    const notice = posted.find((t) => t.includes('Facts changed on MS08-067'));
    expect(notice).toMatch(/inKev: no → yes \(CISA KEV lists CVE-2008-4250/);
    expect(notice).toContain(`@${PEOPLE.owner}`);
    expect(notice).toMatch(/confirm it or revise it/);
    expect(card()).toMatch(/Facts changed since the call/);
    expect(card()).toContain('Confirm the call');
    expect(state().living!.factsChanged).toBeDefined();

    // the same KEV again, and a re-assessment with nothing new: no second event, no second post
    expect((await ingest(later('kev-ms08-067.json'))).status).toBe(200);
    await h.patchcall.reassessDecisions({ actor: 'test', cause: 'a second look' });
    await settled();
    expect(eventsOf(LivingEvents.factsChanged)).toHaveLength(1);
    expect(channelTexts().filter((t) => t.includes('Facts changed on MS08-067'))).toHaveLength(1);

    // someone else cannot confirm; the owner can
    await h.blockAction({
      actionId: ActionIds.confirmCall,
      value: 'MS08-067',
      userId: PEOPLE.sec1,
      messageTs: state().cardTs!,
      channelId: state().channel!.id,
    });
    expect(eventsOf(LivingEvents.callConfirmed)).toHaveLength(0);
    await h.blockAction({
      actionId: ActionIds.confirmCall,
      value: 'MS08-067',
      userId: PEOPLE.owner,
      messageTs: state().cardTs!,
      channelId: state().channel!.id,
    });
    await eventually(() => eventsOf(LivingEvents.callConfirmed).length === 1, 'the confirmation');
    await settled();
    expect(state().living!.factsChanged).toBeUndefined();
    expect(card()).not.toMatch(/Facts changed since the call/);
    expect(channelTexts().some((t) => t.includes('The call on MS08-067 stands'))).toBe(true);
  });

  it('records progress from later imports and closes the decision when every asset is done', async () => {
    await start();
    await conveneAndCall();

    now = new Date('2008-10-25T12:00:00Z');
    expect((await ingest(later('hotfixes-2008-10-25.csv'))).status).toBe(201);
    await eventually(() => eventsOf(LivingEvents.progressRecorded).length === 1, 'the progress event');
    await settled();
    const progress = state().living!.progress!;
    expect(progress.line).toMatch(/^patched 5 of 6; 1 unknown; /);
    expect(state().living!.closed).toBeUndefined();
    expect(channelTexts().some((t) => t.includes('Progress on MS08-067') && t.includes('patched 5 of 6'))).toBe(true);
    // the hotfixes are progress, not a change of facts
    expect(eventsOf(LivingEvents.factsChanged)).toHaveLength(0);

    expect((await ingest(later('nmap-printsrv-2008-10-25.xml'))).status).toBe(201);
    await eventually(() => state().living?.closed, 'the decision to close');
    await settled();
    expect(state().living!.progress!.line).toMatch(/^patched 5 of 6; 1 no longer affected/);
    expect(eventsOf(LivingEvents.closed)).toHaveLength(1);
    expect(channelTexts().some((t) => t.includes('MS08-067 is closed'))).toBe(true);
    expect(card()).toMatch(/Closed/);

    // a closed decision is not touched again
    await h.patchcall.reassessDecisions({ actor: 'test', cause: 'later' });
    expect(eventsOf(LivingEvents.progressRecorded)).toHaveLength(2);
  });

  it('posts the provider request for the owner and records the answer, escaped', async () => {
    await start();
    await conveneAndCall();
    const request = channelTexts().find((t) => t.includes('Request for Contoso Hosting'));
    expect(request).toMatch(/Under our contract \(30 days from the release on 2008-10-23\)/);
    expect(request).toContain(`@${PEOPLE.owner}`);

    const reply = await h.command('provider MS08-067 scheduled <!channel> Saturday 02:00 & reboot', {
      userId: PEOPLE.sec1,
    });
    expect(reply.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(eventsOf(LivingEvents.providerAnswered)).toHaveLength(0);

    await h.command('provider MS08-067 scheduled <!channel> Saturday 02:00 & reboot', {
      userId: PEOPLE.owner,
      triggerId: 'T-PROVIDER-1',
    });
    await eventually(() => eventsOf(LivingEvents.providerAnswered).length === 1, 'the answer');
    await settled();
    // as Slack receives it: the note's <!channel> arrives escaped, so it mentions no one
    const raw = JSON.stringify(
      h.standIn.channel(state().channel!.id)!.messages.find((m) => m.text?.includes('Contoso Hosting answered')),
    );
    expect(raw).toContain('scheduled');
    expect(raw).toContain('&lt;!channel&gt; Saturday 02:00 &amp; reboot');
    expect(raw).not.toContain('<!channel>');
    expect(card()).toMatch(/Contoso Hosting: scheduled/);
  });

  it('escalates an overdue step and an overdue provider once each', async () => {
    await start();
    await conveneAndCall();
    now = new Date('2008-10-27T12:00:00Z');
    // the scheduler's own look at the log escalates them (an import does not): written once, not on the next look
    const escalatedBy = async () =>
      (await h.deps.scheduler.runNow()).written.filter((w) => w.kind === 'step-escalation');
    expect(new Set((await escalatedBy()).map((w) => w.decisionId))).toEqual(new Set(['MS08-067']));
    expect(await escalatedBy()).toEqual([]);
    h.deps.outbox.nudge('MS08-067');
    await settled();
    const escalations = eventsOf(LivingEvents.escalated) as { payload: { reason: string; subject: string } }[];
    expect(escalations.map((e) => e.payload.reason)).toContain('provider-overdue');
    expect(escalations.map((e) => e.payload.subject)).toContain('Patch now: web01');
    expect(escalations.map((e) => e.payload.subject)).not.toContain('Establish: whether printsrv is affected');
    const posted = channelTexts().filter((t) => t.startsWith(`@${PEOPLE.owner}`) && t.includes('Overdue on'));
    expect(posted).toHaveLength(escalations.length);
  });
});
