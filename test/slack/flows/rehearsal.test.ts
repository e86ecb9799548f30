/**
 * PATCHCALL_CLOCK in the app: refused unless Slack is the local stand-in or PATCHCALL_REHEARSAL=1; under it the app
 * runs on the simulated clock (the scheduler's timer included) and every event it writes is marked as a rehearsal.
 */
import { loadDecision } from '../../../src/app/decision-log';
import { isRehearsal } from '../../../src/common/simulated-clock';
import { main } from '../../../src/slack/main';
import { readSlackConfig } from '../../../src/slack/slack-config';
import { tempDbPath } from '../../helpers/run-patchcall';
import type { SlackHarness } from '../../helpers/slack-harness';
import { usePostgres } from '../../helpers/postgres';
import { eventually, startDecisionHarness, storeFor, STORES, submitCallModal } from './decision-flow-setup';
import { ActionIds } from '../../../src/slack/action-ids';
import { renderRecord } from '../../../src/audit/render-record';
import { verifyExportedRecord } from '../../../src/audit/verify-exported-record';
import { createValidator } from '../../../src/common/json-schema';
import schema from '../../../src/audit/schemas/audit-record.schema.json';
import { PEOPLE } from '../../decisions/sample-decision';

const postgres = usePostgres();
const SLACK_SETTINGS = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret' };

describe('PATCHCALL_CLOCK', () => {
  it('is refused against Slack itself, naming both ways to allow it', async () => {
    const env = { ...SLACK_SETTINGS, PATCHCALL_CLOCK: '2008-10-23T18:30:00Z@3600', PATCHCALL_DB: tempDbPath() };
    expect(() => readSlackConfig(env)).toThrow(/PATCHCALL_CLOCK is set.*local Slack stand-in.*PATCHCALL_REHEARSAL=1/);
    let stderr = '';
    expect(await main(env, (text) => (stderr += text))).toBe(2);
    expect(stderr).toContain('PATCHCALL_CLOCK is set');
  });

  it('runs against Slack itself only with PATCHCALL_REHEARSAL=1, and then marks the rehearsal', () => {
    const config = readSlackConfig({
      ...SLACK_SETTINGS,
      PATCHCALL_CLOCK: '2008-10-23T18:30:00Z@3600',
      PATCHCALL_REHEARSAL: '1',
    });
    expect(config.simulatedClock).toEqual({ start: new Date('2008-10-23T18:30:00Z'), speed: 3600 });
    expect(config.rehearsal).toBe(true);
    expect(() => readSlackConfig({ ...SLACK_SETTINGS, PATCHCALL_REHEARSAL: 'yes' })).toThrow(
      'PATCHCALL_REHEARSAL must be 1 (or unset), not "yes"',
    );
    expect(readSlackConfig(SLACK_SETTINGS).rehearsal).toBe(false);
  });

  it('refuses a start without a time zone or a speed that is not a number', () => {
    const local = { ...SLACK_SETTINGS, SLACK_API_URL: 'http://127.0.0.1:9/api/' };
    expect(() => readSlackConfig({ ...local, PATCHCALL_CLOCK: '2008-10-23T18:30:00' })).toThrow(/time zone/);
    expect(() => readSlackConfig({ ...local, PATCHCALL_CLOCK: '2008-10-23T18:30:00Z@fast' })).toThrow(/speed "fast"/);
  });

  describe.each(STORES)('against the local stand-in (on %s)', (store) => {
    let h: SlackHarness;
    afterEach(async () => h?.stop());

    it('runs the app on the simulated clock: the reminder comes on its own, and every event is a rehearsal', async () => {
      // 20 simulated seconds before the 4-hour point, at five times real speed
      h = await startDecisionHarness({
        env: { PATCHCALL_CLOCK: '2008-10-24T11:59:40Z@5' },
        store: await storeFor(store, postgres),
      });
      await h.command('open MS08-067');
      await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card', 10_000);
      const state = loadDecision(h.ctx, 'MS08-067');
      expect(Date.parse(state.convenedAt!)).toBeLessThan(Date.parse('2008-10-24T12:00:00Z'));

      // no nudge: the scheduler's own timer wakes it at the simulated 12:00
      const channel = state.channel!.id;
      await eventually(
        () => h.standIn.channel(channel)!.messages.find((m) => m.text.includes('4 hours left until the deadline')),
        'the 4-hour reminder on the simulated clock',
        15_000,
      );
      await h.deps.outbox.idle();

      const events = [...h.ctx.events.read({ afterSeq: state.lastSeq - 1 })];
      expect(events.length).toBeGreaterThan(3);
      expect(events.filter((e) => !isRehearsal(e.payload)).map((e) => e.type)).toEqual([]);
      expect(events.every((e) => e.at.startsWith('2008-10-24T'))).toBe(true);

      await h.blockAction({
        actionId: ActionIds.makeCall,
        value: 'MS08-067',
        userId: PEOPLE.owner,
        messageTs: state.cardTs!,
        channelId: channel,
      });
      await submitCallModal(h, { outcome: 'patch-now', rationale: 'rehearsing the call', override: 'a rehearsal' });
      await eventually(() => loadDecision(h.ctx, 'MS08-067').call?.message, 'the call posted', 10_000);
      expect(h.ctx.events.verify().ok).toBe(true);
      // building the record may append (the names), so it goes through the boundary: on a replica, through PostgreSQL
      const record = await h.patchcall.buildDecisionRecord('MS08-067', { exportedBy: 'U0TESTER1' });
      // the mark inside the payloads changes nothing in the record's shape, and the record still verifies
      const json = JSON.parse(renderRecord(record, 'json'));
      expect(createValidator(schema)(json)).toBe(true);
      expect(
        verifyExportedRecord(json, 'record.json', { keys: new Map([[record.signature!.publicKey, 'test']]) }).ok,
      ).toBe(true);
      expect(record.decision.call?.rationale).toBe('rehearsing the call');
      const reminder = record.timeline.find((t) => t.type === 'decision.reminder-sent')!;
      expect(reminder.summary).toMatch(/^rehearsal: reminded the channel, PT4H before the deadline/);
      // the record's own events (the export, the names) are rehearsals too; nothing is marked otherwise
      expect(record.timeline.filter((t) => !t.summary.startsWith('rehearsal: '))).toEqual([]);
      expect(h.ctx.events.verify().ok).toBe(true);
    });
  });
});
