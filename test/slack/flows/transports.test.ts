/**
 * The same scenario over Socket Mode and over HTTP, against the real app in its own process: a click is in the log
 * and on the card; a click acknowledged right before a kill -9 is in the log and reaches the card after a restart
 * on the same transport. Both transports must end with the same log and the same card.
 */
import { openAppContext } from '../../../src/app/app-context';
import { loadDecision } from '../../../src/app/decision-log';
import { ActionIds } from '../../../src/slack/action-ids';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import { buttonClick, startChildApp, type Transport } from '../../helpers/child-app';
import type { SlackHarness } from '../../helpers/slack-harness';
import { eventually, startDecisionHarness } from './decision-flow-setup';

const withoutTimes = (text: string) =>
  text
    .replace(/\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} (\d{4} )?\d{2}:\d{2}/g, '<time>')
    .replace(/\d{2}:\d{2}/g, '<hh:mm>');
const outcomes: Record<string, { positions: string[]; card: string }> = {};

describe.each<Transport>(['http', 'socket'])('over %s', (transport) => {
  let h: SlackHarness;
  // a failed run may leave the harness's own app stopped: the stand-in still goes
  afterAll(async () => h?.stop().catch(() => h.standIn.stop()));

  it('records a click and shows it; keeps a click acknowledged right before a kill -9 and shows it after a restart', async () => {
    h = await startDecisionHarness();
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
      await eventually(() => cardText().includes(`@${PEOPLE.sec1} agrees`) || undefined, 'the first click on the card');
      // the card update for the next click cannot land before the kill
      h.standIn.failNext('chat.update', { kind: 'hang' });
      expect(await app.deliver(click(PEOPLE.net, '1.2'))).toMatchObject({ acked: true });
    } finally {
      await app.kill9();
    }
    // the killed app may have died before its update reached Slack: the hang must not catch the restarted one
    h.standIn.clearFaults('chat.update');
    expect(cardText()).not.toContain(`@${PEOPLE.net} agrees`);
    const positions = () => {
      const ctx = openAppContext({ dbPath: h.dbPath });
      try {
        return [...ctx.events.read({ stream: 'decision:MS08-067', type: 'decision.position-recorded' })].map(
          (e) => (e.payload as { userId: string }).userId,
        );
      } finally {
        ctx.close();
      }
    };
    expect(positions()).toEqual([PEOPLE.sec1, PEOPLE.net]);

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
    outcomes[transport] = { positions: positions(), card: withoutTimes(cardText()) };
    if (transport === 'socket') {
      expect(h.standIn.calls('apps.connections.open').length).toBeGreaterThanOrEqual(2);
      expect(h.standIn.calls('socket.ack').length).toBeGreaterThanOrEqual(2);
    }
  }, 90_000);
});

describe('Socket Mode and HTTP', () => {
  it('end with the same positions in the log and the same card', () => {
    expect(outcomes.socket).toBeDefined();
    expect(outcomes.socket).toEqual(outcomes.http);
  });
});
