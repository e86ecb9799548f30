/**
 * Slack effects from the log, with the stand-in misbehaving the way Slack does: nothing acknowledged is lost,
 * nothing is done twice, the card is never stale, and every failure reaches the person.
 */
import { loadDecision } from '../../../src/app/decision-log';
import { ActionIds, CallbackIds } from '../../../src/slack/action-ids';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { SlackGateway } from '../../../src/slack/slack-gateway';
import { createWebClients } from '../../../src/slack/web-clients';
import { PEOPLE } from '../../decisions/sample-decision';
import { TEST_WEB_API_TUNING, type SlackHarness } from '../../helpers/slack-harness';
import { usePostgres } from '../../helpers/postgres';
import { ADMIN, eventsInStore, eventually, startDecisionHarness, storeFor, STORES } from './decision-flow-setup';
import { buttonClick, startChildApp } from '../../helpers/child-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const replyText = (h: SlackHarness) => h.standIn.responses().map((r) => JSON.stringify(r.body));

const postgres = usePostgres();

describe.each(STORES)('Slack effects from the log (on %s)', (store) => {
  let h: SlackHarness;
  const start = async (options: Parameters<typeof startDecisionHarness>[0] = {}) =>
    startDecisionHarness({ ...options, store: await storeFor(store, postgres) });
  afterEach(async () => {
    await h.stop();
  });

  const cardOf = (h: SlackHarness) => {
    const state = loadDecision(h.ctx, 'MS08-067');
    const message = h.standIn.channel(state.channel!.id)!.messages.find((m) => m.ts === state.cardTs)!;
    return blocksToText(message.blocks!);
  };
  const open = async (h: SlackHarness) => {
    await h.command('open MS08-067');
    return eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card', 10_000);
  };
  const click = (h: SlackHarness, userId: string, actionId: string) => {
    const state = loadDecision(h.ctx, 'MS08-067');
    return h.blockAction({
      actionId,
      value: 'MS08-067',
      userId,
      messageTs: state.cardTs!,
      channelId: state.channel!.id,
    });
  };
  const botMessages = (h: SlackHarness, channel: string) =>
    h.standIn.channel(channel)!.messages.filter((m) => m.user === h.standIn.botUserId);

  it('keeps a position acknowledged right before a kill -9, and shows it on the card after the restart', async () => {
    h = await start({ outbox: { sweepMs: 200 } });
    const cardTs = await open(h);
    const channel = loadDecision(h.ctx, 'MS08-067').channel!.id;
    await h.stopApp();

    // the real app in its own process, on the same database and stand-in
    const child = await startChildApp(h, 'http');
    // the card update cannot land before the kill
    h.standIn.failNext('chat.update', { kind: 'hang' });
    const ack = await child.deliver(
      buttonClick(h, {
        userId: PEOPLE.sec2,
        actionId: ActionIds.agree,
        value: 'MS08-067',
        cardTs,
        channel,
        actionTs: '1.5',
      }),
    );
    await child.kill9();
    // the killed app may have died before its update reached Slack: the hang must not catch the restarted one
    h.standIn.clearFaults('chat.update');
    expect(ack.acked).toBe(true);

    const recorded = await eventsInStore(h, { stream: 'decision:MS08-067', type: 'decision.position-recorded' });
    expect(recorded.map((e) => (e.payload as { userId: string }).userId)).toEqual([PEOPLE.sec2]);
    await h.startApp();
    await eventually(() => cardOf(h).includes(`@${PEOPLE.sec2} agrees`) || undefined, 'the card after restart', 10_000);
  }, 60_000);

  it('ends with one channel and one card when Slack did the work but the reply came too late', async () => {
    h = await start();
    h.standIn.failNext('conversations.create', { kind: 'reply-late', ms: 1000 });
    h.standIn.failNext('chat.postMessage', { kind: 'reply-late', ms: 1000 });
    const cardTs = await open(h);
    const ours = h.standIn.channels().filter((c) => c.name.startsWith('patch-ms08-067'));
    expect(ours.map((c) => c.name)).toEqual(['patch-ms08-067']);
    // the sample deadline (2008) has passed: the scheduler's default-path notice may be there too, but one card
    const cards = botMessages(h, ours[0]!.id).filter((m) => m.text?.startsWith('Patch call on'));
    expect(cards.map((m) => m.ts)).toEqual([cardTs]);
    const types = [...h.ctx.events.read({ stream: 'decision:MS08-067' })].map((e) => [e.type, e.payload] as const);
    expect(types.find(([type]) => type === 'decision.channel-created')![1]).toMatchObject({ found: true });
    expect(types.find(([type]) => type === 'decision.card-posted')![1]).toMatchObject({ ts: cardTs, found: true });
    await eventually(() => replyText(h).find((r) => r.includes('Convened')), 'the reply');
  });

  it('convenes once for two concurrent opens and tells the second person where it is', async () => {
    h = await start();
    await Promise.all([
      h.command('open MS08-067', { userId: PEOPLE.sec1 }),
      h.command('open ms08-067', { userId: PEOPLE.net }),
    ]);
    await eventually(() => replyText(h).length === 2 || undefined, 'both replies', 10_000);
    const state = loadDecision(h.ctx, 'MS08-067');
    expect(h.standIn.calls('conversations.create').filter((c) => !c.error && !c.fault)).toHaveLength(1);
    expect(h.standIn.channels().filter((c) => c.name.startsWith('patch-ms08-067'))).toHaveLength(1);
    // the sample deadline (2008) has passed: the scheduler's default-path notice may be there too, but one card
    expect(botMessages(h, state.channel!.id).filter((m) => m.text?.startsWith('Patch call on'))).toHaveLength(1);
    const replies = replyText(h);
    expect(replies.filter((r) => r.includes('Convened'))).toHaveLength(1);
    expect(replies.filter((r) => r.includes(`already being decided in <#${state.channel!.id}>`))).toHaveLength(1);
  });

  it('shows both positions after a 429 on the card update between two clicks 200 ms apart', async () => {
    h = await start();
    await open(h);
    h.standIn.failNext('chat.update', { kind: 'ratelimited', retryAfterSeconds: 1 });
    await click(h, PEOPLE.sec1, ActionIds.agree);
    await sleep(200);
    await click(h, PEOPLE.net, ActionIds.agree);
    await eventually(
      () => (cardOf(h).includes(`@${PEOPLE.sec1} agrees`) && cardOf(h).includes(`@${PEOPLE.net} agrees`)) || undefined,
      'both positions on the card',
      10_000,
    );
    // once a rendering with both went out, none with fewer followed
    const sent = h.standIn
      .calls('chat.update')
      .filter((c) => !c.fault && !c.error)
      .map((c) => blocksToText(c.args.blocks as unknown[]));
    const firstWithBoth = sent.findIndex((t) => t.includes(`@${PEOPLE.sec1} agrees`) && t.includes(`@${PEOPLE.net}`));
    expect(firstWithBoth).toBeGreaterThanOrEqual(0);
    for (const text of sent.slice(firstWithBoth)) expect(text).toContain(`@${PEOPLE.sec1} agrees`);
  });

  it('acks within Slack’s 3 s and opens the call form while a user group lookup takes 3.5 s', async () => {
    h = await start();
    await open(h);
    const deputy = 'U0DEPUTY2';
    h.standIn.addUser({ id: deputy, name: 'deputy' });
    h.standIn.addUsergroup({ id: 'S0DEPUTIES', handle: 'deputies', name: 'Deputies', users: [deputy] });
    await h.command('roles set delegate <!subteam^S0DEPUTIES|@deputies>', { userId: ADMIN });
    await eventually(() => replyText(h).find((r) => r.includes('Delegate updated')), 'the role change');
    // Slack tells the app about the group; from now on every lookup is slow, and one is under way
    await h.event({ type: 'subteam_updated', subteam: { id: 'S0DEPUTIES', users: [deputy] } });
    h.standIn.failNext('usergroups.users.list', { kind: 'slow', ms: 3500 }, 5);
    const refreshing = h.deps.membership.refresh(['S0DEPUTIES']);
    const ack = await click(h, deputy, ActionIds.makeCall);
    expect(ack.status).toBe(200);
    expect(ack.ackMs).toBeLessThan(3000);
    const opened = await eventually(
      () => h.standIn.calls('views.open').find((c) => JSON.stringify(c.args).includes(CallbackIds.call)),
      'the call form',
    );
    expect(opened.error).toBeUndefined();
    await refreshing;
  });

  it('tells the person when the form cannot open (429 on views.open)', async () => {
    h = await start();
    await open(h);
    h.standIn.failNext('views.open', { kind: 'ratelimited', retryAfterSeconds: 5 });
    await click(h, PEOPLE.sec1, ActionIds.needMoreInfo);
    const told = await eventually(() => replyText(h).find((r) => r.includes('could not open')), 'the note');
    expect(told).toContain('Click the button again');
  });

  it('tells the person when the export fails, and records no export', async () => {
    h = await start();
    await open(h);
    h.standIn.failNext('files.completeUploadExternal', { kind: 'error', error: 'not_in_channel' }, 2);
    await h.command('export MS08-067 json', { userId: PEOPLE.sec1 });
    const told = await eventually(() => replyText(h).find((r) => r.includes('could not be uploaded')), 'the note');
    expect(told).toContain('not_in_channel');
    expect(told).toContain('again in a minute');
    expect([...h.ctx.events.read({ stream: 'decision:MS08-067', type: 'decision.exported' })]).toHaveLength(0);
  });

  it('counts and records only the people Slack invited, and names the refused with its reason', async () => {
    h = await start();
    await h.command(`roles set network <@${PEOPLE.net}> <@U0GHOST01>`, { userId: ADMIN });
    await eventually(() => replyText(h).find((r) => r.includes('Network updated')), 'the role change');
    await open(h);
    const state = loadDecision(h.ctx, 'MS08-067');
    expect(state.invited).not.toContain('U0GHOST01');
    expect(state.inviteRefused).toEqual([{ userId: 'U0GHOST01', error: 'user_not_found' }]);
    const reply = await eventually(() => replyText(h).find((r) => r.includes('Convened')), 'the reply');
    expect(reply).toContain(`${state.invited.length} people invited`);
    expect(reply).toContain('Slack refused to invite <@U0GHOST01> (user_not_found)');
  });

  it('escapes the topic: a bulletin title cannot mention @channel or forge a link there', async () => {
    h = await start();
    const gateway = new SlackGateway(
      createWebClients({ botToken: h.standIn.botToken, slackApiUrl: h.standIn.apiUrl, webApi: TEST_WEB_API_TUNING }),
      {
        card: () => ({ blocks: [], text: '' }),
        call: () => ({ blocks: [], text: '' }),
        notice: () => ({ blocks: [], text: '' }),
        digest: () => ({ blocks: [], text: '' }),
      },
      h.standIn.botUserId,
    );
    const channel = await gateway.createChannel('patch-topic-test');
    await gateway.setTopic(channel.id, 'MS08-067: <!channel> <@U999> <https://evil|click> & more');
    expect(h.standIn.channel(channel.id)!.topic).toBe(
      'MS08-067: &lt;!channel&gt; &lt;@U999&gt; &lt;https://evil|click&gt; &amp; more',
    );
  });
});
