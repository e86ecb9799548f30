/**
 * Two replicas of the real app over HTTP (no Socket Mode), each its own process on one real PostgreSQL, the way a
 * reverse proxy spreads Slack's signed requests over them. The one driving the card is killed with SIGKILL while its
 * card update hangs: every click either acknowledged is in PostgreSQL's log and on the card (brought there by the
 * survivor once the dead one's lease ran out), and the chain verifies.
 */
import { openPostgresLog } from '../../../src/app/postgres-store';
import { ActionIds } from '../../../src/slack/action-ids';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import { startChildApp, type ChildApp } from '../../helpers/child-app';
import { usePostgres } from '../../helpers/postgres';
import { patchcall } from '../../helpers/run-patchcall';
import type { SlackHarness } from '../../helpers/slack-harness';
import { eventsInStore, eventually, startDecisionHarness, storeFor } from './decision-flow-setup';

const postgres = usePostgres();

describe('two replicas over HTTP on one PostgreSQL', () => {
  let h: SlackHarness | undefined;
  const apps: ChildApp[] = [];
  afterAll(async () => {
    await Promise.allSettled(apps.map((app) => app.kill9()));
    await h?.standIn.stop();
  });

  it('keeps every acknowledged click when one is killed; the survivor brings the card up to date', async () => {
    h = await startDecisionHarness({ store: await storeFor('postgres', postgres) });
    const harness = h;
    await harness.stopApp();
    for (let i = 0; i < 2; i++) apps.push(await startChildApp(harness, 'http'));
    const [first, second] = apps.map((app) => `http://127.0.0.1:${app.port}`) as [string, string];

    expect((await harness.command('open MS08-067', { userId: PEOPLE.owner, to: first })).status).toBe(200);
    const card = await waitForAsync(
      async () =>
        (await eventsInStore(harness, { stream: 'decision:MS08-067', type: 'decision.card-posted' }))[0]?.payload as
          { channel: string; ts: string } | undefined,
      'the card posted by a replica',
    );
    const cardText = () =>
      blocksToText(harness.standIn.channel(card.channel)!.messages.find((m) => m.ts === card.ts)!.blocks!);

    const acked: string[] = [];
    const click = async (userId: string, to: string) => {
      const response = await harness
        .blockAction({
          actionId: ActionIds.agree,
          value: 'MS08-067',
          userId,
          messageTs: card.ts,
          channelId: card.channel,
          to,
        })
        .catch(() => undefined); // a replica killed before it answered: not acknowledged
      if (response?.status === 200) acked.push(userId);
    };
    // spread over both, as a round-robin proxy would
    await Promise.all([click(PEOPLE.sec1, first), click(PEOPLE.net, second)]);
    await eventually(
      () =>
        (cardText().includes(`@${PEOPLE.sec1} agrees`) && cardText().includes(`@${PEOPLE.net} agrees`)) || undefined,
      'the first two clicks on the card',
      20_000,
    );
    // the next card update hangs in Slack: the replica driving it holds the decision's lease, and dies with a
    // click in flight to it
    harness.standIn.failNext('chat.update', { kind: 'hang' });
    await click(PEOPLE.sys1, first);
    const holder = await waitForAsync(() => leaseHolder(postgresUrl(harness)), 'a replica driving the card');
    const victim = apps.findIndex((app) => holder.startsWith(`${app.pid}:`));
    expect(victim).toBeGreaterThanOrEqual(0);
    const [victimUrl, survivorUrl] = victim === 0 ? [first, second] : [second, first];
    await Promise.all([apps[victim]!.kill9(), click(PEOPLE.sec2, victimUrl)]);
    harness.standIn.clearFaults('chat.update');
    // the proxy takes the dead replica out; the rest goes to the survivor
    await click(PEOPLE.sys2, survivorUrl);

    const recorded = (
      await eventsInStore(harness, { stream: 'decision:MS08-067', type: 'decision.position-recorded' })
    ).map((e) => (e.payload as { userId: string }).userId);
    expect(acked).toEqual(expect.arrayContaining([PEOPLE.sec1, PEOPLE.net, PEOPLE.sys1, PEOPLE.sys2]));
    for (const userId of acked) expect(recorded).toContain(userId);
    await eventually(
      () => recorded.every((userId) => cardText().includes(`@${userId} agrees`)) || undefined,
      'every recorded position on the card',
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\ncard: ${cardText()}\n${apps.map((a) => a.output()).join('\n---\n')}`);
    });

    const verify = await patchcall(['audit', 'verify'], { env: { PATCHCALL_DATABASE_URL: postgresUrl(harness) } });
    expect(verify.code).toBe(0);
  }, 120_000);
});

async function leaseHolder(url: string): Promise<string | undefined> {
  const store = await openPostgresLog(url, { poolSize: 1 });
  try {
    return await store.leases.holderOf('decision:MS08-067');
  } finally {
    await store.close();
  }
}

function postgresUrl(h: SlackHarness): string {
  if (h.store.kind !== 'postgres') throw new Error('this test runs on PostgreSQL');
  return h.store.url;
}

async function waitForAsync<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
