/**
 * Three replicas of the real app, each its own process with its own Socket Mode connection to the Slack stand-in,
 * on one real PostgreSQL. Clicks are spread over the three connections; the replica driving the card is killed with
 * SIGKILL while its card update hangs. Every acknowledged position must be in PostgreSQL's log and on the card
 * (brought there by a survivor), and the chain must verify.
 */
import { createServer, type AddressInfo } from 'node:net';
import { copySqliteLogToPostgres, openPostgresLog } from '../../../src/app/postgres-store';
import { ActionIds, BlockIds, CallbackIds } from '../../../src/slack/action-ids';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import { buttonClick, startChildApp, type ChildApp } from '../../helpers/child-app';
import { usePostgres } from '../../helpers/postgres';
import { patchcall } from '../../helpers/run-patchcall';
import type { SlackHarness } from '../../helpers/slack-harness';
import { ADMIN, eventually, startDecisionHarness } from './decision-flow-setup';

const postgres = usePostgres();

async function decisionEvents(url: string, type?: string): Promise<{ type: string; payload: unknown }[]> {
  const store = await openPostgresLog(url, { poolSize: 1 });
  try {
    const events = [];
    for await (const event of store.log.read({ stream: 'decision:MS08-067', ...(type ? { type } : {}) }))
      events.push(event);
    return events;
  } finally {
    await store.close();
  }
}

async function leaseHolder(url: string, subject: string): Promise<string | undefined> {
  const store = await openPostgresLog(url, { poolSize: 1 });
  try {
    return await store.leases.holderOf(subject);
  } finally {
    await store.close();
  }
}

describe('three replicas on one PostgreSQL', () => {
  let h: SlackHarness | undefined;
  const apps: ChildApp[] = [];
  afterAll(async () => {
    await Promise.allSettled(apps.map((app) => app.kill9()));
    await h?.standIn.stop();
  });

  it('keeps every acknowledged click when the replica driving the card is killed; a survivor finishes its work and the owner calls', async () => {
    h = await startDecisionHarness();
    const harness = h;
    await harness.stopApp();
    const url = await postgres.freshDatabase();
    await copySqliteLogToPostgres(harness.dbPath, url);
    const env = { PATCHCALL_DATABASE_URL: url, PATCHCALL_ADMINS: ADMIN };
    // Socket Mode serves the app's own routes on PORT; 0 would hide which port it took
    for (let i = 0; i < 3; i++)
      apps.push(await startChildApp(harness, 'socket', { ...env, PORT: String(await freePort()) }));
    expect(harness.standIn.socketConnections()).toBe(3);
    for (const app of apps) expect(await readyz(app)).toEqual({ status: 200, body: READY });

    const opened = await harness.standIn.sendEnvelope('slash_commands', {
      command: '/patch',
      text: 'open MS08-067',
      user_id: PEOPLE.owner,
      user_name: 'owner',
      channel_id: harness.channelId,
      channel_name: 'patch-desk',
      team_id: 'T0PATCHCALL',
      team_domain: 'patchcall-standin',
      api_app_id: 'A0PATCHCALL',
      response_url: harness.standIn.responseUrl(),
      trigger_id: harness.standIn.issueTriggerId(),
    });
    expect(opened.acked).toBe(true);
    const card = await waitForAsync(async () => {
      const events = await decisionEvents(url, 'decision.card-posted');
      return events[0]?.payload as { channel: string; ts: string } | undefined;
    }, 'the card posted by a replica');
    const cardText = () =>
      blocksToText(harness.standIn.channel(card.channel)!.messages.find((m) => m.ts === card.ts)!.blocks!);
    const click = (userId: string, actionTs: string) =>
      buttonClick(harness, {
        userId,
        actionId: ActionIds.agree,
        value: 'MS08-067',
        cardTs: card.ts,
        channel: card.channel,
        actionTs,
      });

    const acked: string[] = [];
    const deliver = async (userId: string, actionTs: string) => {
      if ((await harness.standIn.sendEnvelope('interactive', click(userId, actionTs))).acked) acked.push(userId);
    };
    // two clicks on two replicas, shown on the card
    await Promise.all([deliver(PEOPLE.sec1, '2.1'), deliver(PEOPLE.net, '2.2')]);
    await eventually(
      () =>
        (cardText().includes(`@${PEOPLE.sec1} agrees`) && cardText().includes(`@${PEOPLE.net} agrees`)) || undefined,
      'the first two clicks on the card',
      20_000,
    );
    // the next card update hangs in Slack: whichever replica drives it holds the decision's lease meanwhile
    harness.standIn.failNext('chat.update', { kind: 'hang' });
    await deliver(PEOPLE.sys1, '2.3');
    const holder = await waitForAsync(() => leaseHolder(url, 'decision:MS08-067'), 'a replica driving the card');
    const victim = apps.find((app) => holder.startsWith(`${app.pid}:`));
    expect(victim).toBeDefined();
    // a click lands while the replica dies; another after
    await Promise.all([victim!.kill9(), deliver(PEOPLE.sec2, '2.4')]);
    harness.standIn.clearFaults('chat.update');
    await deliver(PEOPLE.sys2, '2.5');
    expect(harness.standIn.socketConnections()).toBe(2);

    const recorded = (await decisionEvents(url, 'decision.position-recorded')).map(
      (e) => (e.payload as { userId: string }).userId,
    );
    for (const userId of acked) expect(recorded).toContain(userId);
    expect(acked).toEqual(expect.arrayContaining([PEOPLE.sec1, PEOPLE.net, PEOPLE.sys1, PEOPLE.sys2]));
    // the dead replica's card update, finished by a survivor once its lease ran out
    await eventually(
      () => recorded.every((userId) => cardText().includes(`@${userId} agrees`)) || undefined,
      'every recorded position on the card',
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\ncard: ${cardText()}\n${apps.map((a) => a.output()).join('\n---\n')}`);
    });

    // the owner's call, on whichever survivors the button and the form reach; a survivor posts it
    const makeCall = { ...click(PEOPLE.owner, '2.6') };
    (makeCall.actions as { action_id: string }[])[0]!.action_id = ActionIds.makeCall;
    expect((await harness.standIn.sendEnvelope('interactive', makeCall)).acked).toBe(true);
    const modal = await eventually(
      () => harness.standIn.calls('views.open').find((c) => JSON.stringify(c.args).includes(CallbackIds.call)),
      'the call modal',
      10_000,
    );
    const submitted = await harness.standIn.sendEnvelope('interactive', {
      type: 'view_submission',
      team: { id: 'T0PATCHCALL', domain: 'patchcall-standin' },
      user: { id: PEOPLE.owner, username: 'owner', name: 'owner', team_id: 'T0PATCHCALL' },
      api_app_id: 'A0PATCHCALL',
      trigger_id: harness.standIn.issueTriggerId(),
      view: {
        id: 'V0CALL',
        team_id: 'T0PATCHCALL',
        type: 'modal',
        callback_id: CallbackIds.call,
        private_metadata: (modal.args.view as { private_metadata: string }).private_metadata,
        blocks: [],
        state: {
          values: {
            [BlockIds.outcome]: {
              [ActionIds.callOutcome]: { type: 'static_select', selected_option: { value: 'patch-now' } },
            },
            [BlockIds.rationale]: { [ActionIds.text]: { type: 'plain_text_input', value: 'wormable and exposed' } },
            [BlockIds.override]: { [ActionIds.text]: { type: 'plain_text_input', value: 'no time to wait' } },
          },
        },
        hash: '1.0',
        root_view_id: 'V0CALL',
        app_id: 'A0PATCHCALL',
      },
      response_urls: [],
    });
    expect(submitted.acked).toBe(true);
    // acked only once the call was committed in PostgreSQL
    expect(await decisionEvents(url, 'decision.called')).toHaveLength(1);
    await waitForAsync(async () => (await decisionEvents(url, 'decision.call-posted'))[0], 'the call posted', 30_000);

    const verify = await patchcall(['audit', 'verify'], { env: { PATCHCALL_DATABASE_URL: url } });
    expect(verify.code).toBe(0);

    // a survivor whose database goes away is alive (/healthz) but not ready (/readyz)
    const survivor = apps.find((app) => app !== victim)!;
    expect(await readyz(survivor).catch((error: Error) => `${error.message}\n${survivor.output()}`)).toEqual({
      status: 200,
      body: READY,
    });
    await postgres.server().stop();
    expect(await readyz(survivor).catch((error: Error) => `${error.message}\n${survivor.output()}`)).toEqual({
      status: 503,
      body: { ok: false, database: 'unavailable', slack: 'connected' },
    });
  }, 120_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const READY = { ok: true, database: 'ready', slack: 'connected' };

async function readyz(app: ChildApp): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${app.port}/readyz`);
  return { status: res.status, body: await res.json() };
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
