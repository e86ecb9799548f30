import { loadDecision } from '../../../src/app/decision-log';
import { ActionIds } from '../../../src/slack/action-ids';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import type { SlackHarness } from '../../helpers/slack-harness';
import { usePostgres } from '../../helpers/postgres';
import { startDecisionHarness, eventually, storeFor, STORES, submitCallModal } from './decision-flow-setup';

const postgres = usePostgres();

describe.each(STORES)('the App Home tab (on %s)', (store) => {
  let h: SlackHarness;
  afterEach(async () => h?.stop());

  /** Opens the Home tab as `user` and returns its text once the new view is published. */
  const home = async (user: string): Promise<string> => {
    // Homes are pushed as decisions change too: let those settle, then count this person's publishes
    await h.deps.outbox.idle();
    await h.deps.homes.idle();
    const publishedTo = () => h.standIn.calls('views.publish').filter((c) => c.args.user_id === user).length;
    const before = publishedTo();
    const response = await h.event({
      type: 'app_home_opened',
      user,
      channel: 'D0HOME',
      tab: 'home',
      event_ts: '1224777600.000100',
    });
    expect(response.status).toBe(200);
    await eventually(() => publishedTo() > before, 'the published home view');
    return blocksToText(h.standIn.homeView(user)!.view.blocks as never);
  };
  const open = async () => {
    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
    return loadDecision(h.ctx, 'MS08-067');
  };

  it('lists the open decisions with their channel when someone opens it', async () => {
    h = await startDecisionHarness({ store: await storeFor(store, postgres) });
    await open();
    const text = await home(PEOPLE.sec1);
    expect(text).toContain('Open decisions (1)');
    expect(text).toContain('MS08-067');
    expect(text).toContain(`<#${loadDecision(h.ctx, 'MS08-067').channel!.id}>`);
  });

  it("shows each person their open decisions, the deadline, the position they still owe, and the owner's call", async () => {
    const now = Date.parse('2008-10-24T10:00:00Z');
    h = await startDecisionHarness({ clock: () => new Date(now), store: await storeFor(store, postgres) });
    const state = await open();

    const security = await home(PEOPLE.sec1);
    expect(security).toContain('Your open decisions (1)');
    expect(security).toContain('due Fri 24 Oct 2008 18:00 CEST (16:00 UTC)');
    expect(security).toContain('your position as security is still owed');
    expect(security).not.toContain('deadline passed');
    expect(await home(PEOPLE.owner)).toContain('you may make the call');
    // someone with no role in it has nothing waiting
    expect(await home('U0TESTER1')).toContain('Your open decisions (0)');

    await h.blockAction({
      actionId: ActionIds.agree,
      value: 'MS08-067',
      userId: PEOPLE.sec1,
      messageTs: state.cardTs!,
      channelId: state.channel!.id,
    });
    await eventually(() => loadDecision(h.ctx, 'MS08-067').positions[PEOPLE.sec1], 'the position');
    expect(await home(PEOPLE.sec1)).not.toContain('still owed');
  });

  it('shows the owner the plan steps past due after the call', async () => {
    h = await startDecisionHarness({ store: await storeFor(store, postgres) });
    const state = await open();
    await h.blockAction({
      actionId: ActionIds.makeCall,
      value: 'MS08-067',
      userId: PEOPLE.owner,
      messageTs: state.cardTs!,
      channelId: state.channel!.id,
    });
    await submitCallModal(h, { outcome: 'waves', rationale: 'waves', override: 'no time for quorum' });
    await eventually(() => loadDecision(h.ctx, 'MS08-067').call, 'the call');
    const text = await home(PEOPLE.owner);
    expect(text).toContain('Your open decisions (0)');
    // the sample plan's first wave was due on 23 Oct 2008; nothing records it done
    expect(text).toContain('Your plan steps past due (1)');
    expect(text).toContain('Wave 1: staging, due Fri 24 Oct 2008 00:00 CEST (Thu 23 Oct 22:00 UTC), not recorded done');
  });
});
