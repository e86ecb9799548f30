/**
 * The same scenario over Socket Mode and over HTTP, against the real app in its own process: a click is in the log
 * and on the card; a click acknowledged right before a kill -9 is in the log and reaches the card after a restart
 * on the same transport. Both transports must end with the same log and the same card, on SQLite and on PostgreSQL
 * (where each app process is a replica, and the restarted one a new replica on the same log).
 */
import { loadDecision } from '../../../src/app/decision-log';
import { ActionIds } from '../../../src/slack/action-ids';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import { buttonClick, startChildApp, type Transport } from '../../helpers/child-app';
import type { SlackHarness } from '../../helpers/slack-harness';
import { usePostgres } from '../../helpers/postgres';
import { eventsInStore, eventually, startDecisionHarness, storeFor, STORES } from './decision-flow-setup';

const withoutTimes = (text: string) =>
  text
    .replace(/\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} (\d{4} )?\d{2}:\d{2}/g, '<time>')
    .replace(/\d{2}:\d{2}/g, '<hh:mm>');
const postgres = usePostgres();
const outcomes: Record<string, Record<string, { positions: string[]; card: string }>> = {};

describe.each(STORES)('on %s', (store) => {
  const byTransport: Record<string, { positions: string[]; card: string }> = (outcomes[store] = {});

  describe.each<Transport>(['http', 'socket'])('over %s', (transport) => {
    let h: SlackHarness;
    // a failed run may leave the harness's own app stopped: the stand-in still goes
    afterAll(async () => h?.stop().catch(() => h.standIn.stop()));

    it('records a click and shows it; keeps a click acknowledged right before a kill -9 and shows it after a restart', async () => {
      h = await startDecisionHarness({ store: await storeFor(store, postgres) });
      await h.command('open MS08-067');
      const { cardTs, channel } = await eventually(() => {
        const state = loadDecision(h.ctx, 'MS08-067');
        return state.cardTs ? { cardTs: state.cardTs, channel: state.channel!.id } : undefined;
      }, 'the card');
      await h.stopApp();
      const cardText = () => blocksToText(h.standIn.channel(channel)!.messages.find((m) => m.ts === cardTs)!.blocks!);
      const click = (userId: string, actionTs: string) =>
        buttonClick(h, { userId, actionId: ActionIds.agree, value: 'MS08-067', cardTs, channel, actionTs });

      let app = await startChildApp(h, transport);
      try {
        expect(await app.deliver(click(PEOPLE.sec1, '1.1'))).toMatchObject({ acked: true });
        await eventually(
          () => cardText().includes(`@${PEOPLE.sec1} agrees`) || undefined,
          'the first click on the card',
        );
        // the card update for the next click cannot land before the kill
        h.standIn.failNext('chat.update', { kind: 'hang' });
        expect(await app.deliver(click(PEOPLE.net, '1.2'))).toMatchObject({ acked: true });
      } finally {
        await app.kill9();
      }
      // the killed app may have died before its update reached Slack: the hang must not catch the restarted one
      h.standIn.clearFaults('chat.update');
      expect(cardText()).not.toContain(`@${PEOPLE.net} agrees`);
      // read on a connection of its own: what the killed process left in the store of truth
      const positions = async () =>
        (await eventsInStore(h, { stream: 'decision:MS08-067', type: 'decision.position-recorded' })).map(
          (e) => (e.payload as { userId: string }).userId,
        );
      expect(await positions()).toEqual([PEOPLE.sec1, PEOPLE.net]);

      app = await startChildApp(h, transport);
      try {
        await eventually(
          () => cardText().includes(`@${PEOPLE.net} agrees`) || undefined,
          'the card after restart',
          20_000,
        ).catch((error: Error) => {
          const calls = h.standIn
            .calls()
            .slice(-15)
            .map((c) => [c.method, c.error, c.fault]);
          throw new Error(`${error.message}\n${app.output()}\n${JSON.stringify(calls)}`);
        });
      } finally {
        await app.kill9();
        // the harness's own app again, so the harness stops as it started
        await h.startApp();
      }
      // the two runs happen minutes apart: the times on the card are theirs
      byTransport[transport] = { positions: await positions(), card: withoutTimes(cardText()) };
      if (transport === 'socket') {
        expect(h.standIn.calls('apps.connections.open').length).toBeGreaterThanOrEqual(2);
        expect(h.standIn.calls('socket.ack').length).toBeGreaterThanOrEqual(2);
      }
    }, 90_000);
  });

  describe('Socket Mode and HTTP', () => {
    it('end with the same positions in the log and the same card', () => {
      expect(byTransport.socket).toBeDefined();
      expect(byTransport.socket).toEqual(byTransport.http);
    });
  });
});

describe('SQLite and PostgreSQL', () => {
  it('end with the same positions in the log and the same card', () => {
    expect(outcomes.postgres?.http).toBeDefined();
    expect(outcomes.postgres).toEqual(outcomes.sqlite);
  });
});
