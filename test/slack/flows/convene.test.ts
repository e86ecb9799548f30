import { loadDecision } from '../../../src/app/decision-log';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import type { SlackHarness } from '../../helpers/slack-harness';
import { usePostgres } from '../../helpers/postgres';
import { startDecisionHarness, eventually, storeFor, STORES } from './decision-flow-setup';

const postgres = usePostgres();

describe.each(STORES)('/patch open (on %s)', (store) => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await startDecisionHarness({ store: await storeFor(store, postgres) });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('creates #patch-ms08-067, sets the topic, invites every role once, posts the card', async () => {
    const ack = await h.command('open MS08-067');
    expect(ack.status).toBe(200);
    expect(ack.ackMs).toBeLessThan(3000);
    const reply = await eventually(
      () => h.standIn.responses().find((r) => JSON.stringify(r.body).includes('Convened')),
      'the reply',
    );
    expect(JSON.stringify(reply.body)).toContain('<#');
    const channel = h.standIn.channel('patch-ms08-067')!;
    expect(channel.topic).toMatch(
      /^MS08-067: recommended immediate \(patch-now\), deadline Fri 24 Oct 2008 18:00 CEST \(16:00 UTC\)\. /,
    );
    expect(channel.topic.length).toBeLessThanOrEqual(250);
    expect(h.standIn.calls('usergroups.users.list')[0]!.args.usergroup).toBe('S0SYSADMIN');
    const invited = String(h.standIn.calls('conversations.invite')[0]!.args.users).split(',');
    expect(invited.sort()).toEqual(
      [PEOPLE.sec1, PEOPLE.sec2, PEOPLE.net, PEOPLE.sys1, PEOPLE.sys2, PEOPLE.owner, PEOPLE.delegate].sort(),
    );
    const card = channel.messages[0]!;
    const text = blocksToText(card.blocks!);
    expect(text).toContain('Recommended: Immediate — Patch now');
    expect(text).toContain('[Agree] [Propose alternative] [Need more info] [Make the call]');
    const state = loadDecision(h.ctx, 'MS08-067');
    expect(state).toMatchObject({
      status: 'open',
      cardTs: card.ts,
      channel: { id: channel.id, name: 'patch-ms08-067' },
    });
    expect(state.snapshot!.bulletinSourceSeqs.length).toBeGreaterThan(0);
  });

  it('points to the channel when the bulletin is already convened', async () => {
    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
    await h.command('open cve-2008-4250');
    const reply = await eventually(
      () => h.standIn.responses().find((r) => JSON.stringify(r.body).includes('already being decided')),
      'the pointer',
    );
    expect(JSON.stringify(reply.body)).toContain(loadDecision(h.ctx, 'MS08-067').channel!.id);
    expect(h.standIn.calls('conversations.create')).toHaveLength(1);
  });

  it('adds a suffix when someone else has the name, and resumes in our own channel after a failure', async () => {
    h.standIn.addChannel({ name: 'patch-ms08-067', members: [] });
    h.standIn.failNext('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    await h.command('open MS08-067');
    await eventually(
      () => h.standIn.responses().find((r) => JSON.stringify(r.body).includes('Slack refused a step')),
      'the failure reply',
    );
    expect(JSON.stringify(h.standIn.responses()[0]!.body)).toContain('channel_not_found');
    expect(loadDecision(h.ctx, 'MS08-067').channel!.name).toBe('patch-ms08-067-2');
    expect(loadDecision(h.ctx, 'MS08-067').cardTs).toBeUndefined();
    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
    expect(
      h.standIn
        .calls('conversations.create')
        .filter((c) => !c.error)
        .map((c) => c.args.name),
    ).toEqual(['patch-ms08-067-2']);
    // one card; the sample deadline (2008) has passed, so the scheduler may also have posted the default path
    const cards = h.standIn.channel('patch-ms08-067-2')!.messages.filter((m) => m.text?.startsWith('Patch call on'));
    expect(cards).toHaveLength(1);
  });
});
