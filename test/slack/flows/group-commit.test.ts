/**
 * Clicks that reach the app together share one commit (src/app/group-commit.ts): the real app in its own process,
 * driven by signed HTTP requests. Every click acknowledged is in the log even after a kill -9 right after the acks;
 * when the group cannot commit, no click of it is recorded and each clicker is told so.
 */
import { openAppContext } from '../../../src/app/app-context';
import { loadDecision } from '../../../src/app/decision-log';
import { ActionIds } from '../../../src/slack/action-ids';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import type { SlackHarness } from '../../helpers/slack-harness';
import { buttonClick, startChildApp } from '../../helpers/child-app';
import { eventually, startDecisionHarness } from './decision-flow-setup';

const SPEAKERS = [PEOPLE.sec1, PEOPLE.sec2, PEOPLE.net, PEOPLE.sys1, PEOPLE.sys2];

describe('clicks committed together', () => {
  let h: SlackHarness;
  afterEach(async () => {
    await h.stop();
  });

  /** Convenes MS08-067 in the harness's own app, then hands the database to a child process. */
  const convenedInChild = async (env: Record<string, string> = {}) => {
    h = await startDecisionHarness({ outbox: { sweepMs: 200 } });
    await h.command('open MS08-067');
    const cardTs = await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card', 10_000);
    const channel = loadDecision(h.ctx, 'MS08-067').channel!.id;
    await h.stopApp();
    const child = await startChildApp(h, 'http', env);
    const clicks = SPEAKERS.map((userId, i) =>
      buttonClick(h, { userId, actionId: ActionIds.agree, value: 'MS08-067', cardTs, channel, actionTs: `7.${i}` }),
    );
    return { child, clicks };
  };

  const recordedBy = (): string[] => {
    const ctx = openAppContext({ dbPath: h.dbPath });
    try {
      return [...ctx.events.read({ stream: 'decision:MS08-067', type: 'decision.position-recorded' })]
        .map((e) => (e.payload as { userId: string }).userId)
        .sort();
    } finally {
      ctx.close();
    }
  };

  it('keeps every click acknowledged together right before a kill -9', async () => {
    const { child, clicks } = await convenedInChild();
    // nothing after the acks can land before the kill
    h.standIn.failNext('chat.update', { kind: 'hang' });
    const acks = await Promise.all(clicks.map((click) => child.deliver(click)));
    await child.kill9();
    h.standIn.clearFaults('chat.update');
    expect(acks.every((ack) => ack.acked)).toBe(true);
    expect(recordedBy()).toEqual([...SPEAKERS].sort());
    // and on the card once the app is back
    await h.startApp();
    const card = () => {
      const state = loadDecision(h.ctx, 'MS08-067');
      const message = h.standIn.channel(state.channel!.id)!.messages.find((m) => m.ts === state.cardTs)!;
      return blocksToText(message.blocks!);
    };
    await eventually(
      () => SPEAKERS.every((user) => card().includes(`@${user} agrees`)) || undefined,
      'every position on the card after the restart',
      10_000,
    );
  }, 60_000);

  it('records none of the clicks and tells each clicker when their group cannot be committed', async () => {
    const { child, clicks } = await convenedInChild({ PATCHCALL_BUSY_TIMEOUT_MS: '300' });
    try {
      // another process holds the write lock for longer than the app waits for it
      const locker = openAppContext({ dbPath: h.dbPath });
      locker.db.prepare('BEGIN IMMEDIATE').run();
      try {
        await Promise.all(clicks.map((click) => child.deliver(click)));
        const replyTo = (click: Record<string, unknown>) =>
          h.standIn.responses().find((r) => (click.response_url as string).endsWith(`/response/${r.id}`));
        for (const click of clicks) {
          const reply = await eventually(() => replyTo(click), 'the answer to each clicker', 10_000);
          expect(JSON.stringify(reply.body)).toMatch(/stayed locked for writing.*nothing was written/);
        }
      } finally {
        locker.db.prepare('ROLLBACK').run();
        locker.close();
      }
      expect(recordedBy()).toEqual([]);
      expect(h.standIn.responses().some((r) => JSON.stringify(r.body).includes('Recorded'))).toBe(false);
    } finally {
      await child.stop();
    }
    await h.startApp();
  }, 60_000);
});
