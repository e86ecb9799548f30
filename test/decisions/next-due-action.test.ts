import fc from 'fast-check';
import { join } from 'node:path';
import { RulesFolder } from '../../src/app/rules-folder';
import { foldDecision } from '../../src/decisions/apply-decision-event';
import { DecisionEvents, type DecisionEvent } from '../../src/decisions/decision-model';
import { nextDueActions, type DueAction } from '../../src/decisions/next-due-action';
import { nextDigestAt } from '../../src/decisions/reminder-policy';
import { RulebookError } from '../../src/risk/rulebook-error';
import { copyRules, editJson, SHIPPED_RULES } from '../risk/rulebook-copy';
import { convenedPayload, eventsFrom, PEOPLE, sampleAssessment } from './sample-decision';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Reminders = Record<string, any>;
const policy = RulesFolder.load(SHIPPED_RULES).get('reminders');
const DEADLINE = '2008-10-24T16:00:00.000Z';
const mitigation = {
  kind: 'mitigate' as const,
  title: 'Block tcp/445 at the edge',
  assets: ['web01'],
  details: 'edge rule',
};

function convened(urgency: 'immediate' | 'scheduled' = 'immediate', dueAt = DEADLINE) {
  const assessment = sampleAssessment({ urgency, deadline: { dueAt, reason: 'test' } });
  assessment.plan.push(mitigation);
  return { type: DecisionEvents.convened, payload: convenedPayload({ assessment }) };
}

/** Appends the events a scheduler writes after sending `actions`, at `at`. */
function recorded(events: DecisionEvent[], actions: DueAction[], at: string): DecisionEvent[] {
  return [
    ...events,
    ...actions.map((a, i) => ({
      seq: events.length + i + 1,
      at,
      actor: 'patchcall',
      type: a.kind === 'default-path' ? DecisionEvents.defaultPathTaken : DecisionEvents.reminderSent,
      payload:
        a.kind === 'default-path'
          ? { key: a.key, deadline: a.deadline, path: a.path.kind }
          : { key: a.key, kind: a.kind, deadline: a.deadline, point: a.point },
    })),
  ];
}

const schedule = (events: DecisionEvent[], now: string) =>
  nextDueActions(foldDecision('MS08-067', events), policy, new Date(now));
const summary = (actions: DueAction[]) => actions.map((a) => `${a.kind} ${a.key} @${a.at}`);

describe('nextDueActions (rules/reminders.json, immediate: PT4H and PT1H, a DM at PT1H, escalate at the deadline)', () => {
  const start = eventsFrom([convened()]);

  it('schedules the first reminder and has nothing due before it', () => {
    const s = schedule(start, '2008-10-24T11:59:59Z');
    expect(s.due).toEqual([]);
    expect(s.next).toMatchObject({
      kind: 'reminder',
      key: `reminder:MS08-067:${DEADLINE}:PT4H`,
      at: '2008-10-24T12:00:00.000Z',
      channel: { id: 'C0PATCH01', name: 'patch-ms08-067' },
    });
  });

  it('sends each reminder once: after its event is recorded it is not due again, even in a second process', () => {
    const first = schedule(start, '2008-10-24T12:00:00Z');
    expect(summary(first.due)).toEqual([`reminder reminder:MS08-067:${DEADLINE}:PT4H @2008-10-24T12:00:00.000Z`]);
    const afterRestart = recorded(start, first.due, '2008-10-24T12:00:01Z');
    expect(schedule(afterRestart, '2008-10-24T12:30:00Z').due).toEqual([]);
    const near = schedule(afterRestart, '2008-10-24T15:00:00Z');
    expect(summary(near.due)).toEqual([
      `reminder reminder:MS08-067:${DEADLINE}:PT1H @2008-10-24T15:00:00.000Z`,
      `direct-message dm:MS08-067:${DEADLINE}:PT1H @2008-10-24T15:00:00.000Z`,
    ]);
    expect(near.due[1]).toMatchObject({ to: [PEOPLE.owner, PEOPLE.delegate] });
    expect(near.next).toMatchObject({ kind: 'default-path', at: DEADLINE });
  });

  it('after a clock jump past several points sends only the latest missed reminder', () => {
    const s = schedule(start, '2008-10-24T15:30:00Z');
    expect(s.due.map((a) => a.key)).toEqual([`reminder:MS08-067:${DEADLINE}:PT1H`, `dm:MS08-067:${DEADLINE}:PT1H`]);
  });

  it('at the deadline with no call takes the default path exactly once, with the mitigation from the plan', () => {
    const jumped = schedule(start, '2008-10-25T09:00:00Z');
    expect(jumped.due).toHaveLength(1);
    expect(jumped.due[0]).toMatchObject({
      kind: 'default-path',
      key: `default-path:MS08-067:${DEADLINE}`,
      at: DEADLINE,
      path: { kind: 'escalate', to: 'incident-commander', post: 'default: mitigate now', withMitigation: true },
      mitigation: [mitigation],
    });
    expect(jumped.next).toBeUndefined();
    const taken = recorded(start, jumped.due, '2008-10-25T09:00:01Z');
    const state = foldDecision('MS08-067', taken);
    expect(state.defaultPathTaken).toEqual({ at: '2008-10-25T09:00:01Z', deadline: DEADLINE, path: 'escalate' });
    expect(schedule(taken, '2008-10-25T09:00:02Z').due).toEqual([]);
    expect(schedule(taken, '2008-11-30T00:00:00Z').due).toEqual([]);
  });

  it('has nothing due or scheduled once the call is made, even past the deadline', () => {
    const called = [
      ...start,
      {
        seq: 2,
        at: '2008-10-24T10:00:00Z',
        actor: PEOPLE.owner,
        type: DecisionEvents.called,
        payload: { userId: PEOPLE.owner, as: 'owner', outcome: 'patch-now', key: 'view:V1' },
      },
    ];
    expect(schedule(called, '2008-10-24T15:00:00Z')).toEqual({ due: [] });
    expect(schedule(called, '2008-10-25T16:00:00Z')).toEqual({ due: [] });
  });

  it('skips points that fell before the decision was convened', () => {
    const late = eventsFrom([convened('immediate', '2008-10-23T18:00:00.000Z')]); // convened 16:00, 2 h left
    const s = schedule(late, '2008-10-23T16:00:00Z');
    expect(s.due).toEqual([]);
    expect(s.next).toMatchObject({ kind: 'reminder', point: 'PT1H', at: '2008-10-23T17:00:00.000Z' });
  });

  it('keys a deadline by its instant, whatever offset it was written with', () => {
    const berlin = eventsFrom([convened('immediate', '2008-10-24T18:00:00+02:00')]);
    expect(schedule(berlin, '2008-10-24T12:00:00Z').due[0]!.key).toBe(`reminder:MS08-067:${DEADLINE}:PT4H`);
  });
});

describe('nextDueActions (scheduled: remind the channel every day after the deadline)', () => {
  const start = eventsFrom([convened('scheduled')]);

  it('takes the default path once, then reminds daily and after a jump only for the latest day', () => {
    const atDeadline = schedule(start, '2008-10-24T16:00:00Z');
    expect(atDeadline.due).toMatchObject([{ kind: 'default-path', path: { kind: 'remind', every: 'P1D' } }]);
    expect(atDeadline.next).toMatchObject({ kind: 'overdue-reminder', point: '1', at: '2008-10-25T16:00:00.000Z' });
    const taken = recorded(start, atDeadline.due, '2008-10-24T16:00:05Z');
    const day1 = schedule(taken, '2008-10-25T16:00:00Z');
    expect(summary(day1.due)).toEqual([`overdue-reminder overdue:MS08-067:${DEADLINE}:1 @2008-10-25T16:00:00.000Z`]);
    const afterDay1 = recorded(taken, day1.due, '2008-10-25T16:00:01Z');
    expect(schedule(afterDay1, '2008-10-25T20:00:00Z').due).toEqual([]);
    const jumped = schedule(afterDay1, '2008-10-28T17:00:00Z');
    expect(jumped.due.map((a) => a.key)).toEqual([`overdue:MS08-067:${DEADLINE}:4`]);
  });

  it('after a jump far past the deadline sends the default path alone, not the days it missed', () => {
    const jumped = schedule(start, '2008-10-27T20:00:00Z');
    expect(jumped.due.map((a) => a.kind)).toEqual(['default-path']);
    const taken = recorded(start, jumped.due, '2008-10-27T20:00:00Z');
    const s = schedule(taken, '2008-10-27T20:00:01Z');
    expect(s.due).toEqual([]);
    expect(s.next).toMatchObject({ point: '4', at: '2008-10-28T16:00:00.000Z' });
  });
});

describe('rules/reminders.json', () => {
  it('orders the points earliest first and knows when the digest runs next', () => {
    expect(policy.byUrgency['out-of-cycle'].remindBefore.map((p) => [p.point, p.ms])).toEqual([
      ['P1D', 86_400_000],
      ['PT4H', 14_400_000],
    ]);
    expect(policy.digest).toEqual({ channel: 'patch-digest', cron: '0 8 * * 1-5', timezone: 'Europe/Berlin' });
    // Friday 24 Oct 2008 10:00 UTC: the next weekday 08:00 in Berlin is Monday 27 Oct, 07:00 UTC (CET after DST)
    expect(nextDigestAt(policy.digest, new Date('2008-10-24T10:00:00Z'))!.toISOString()).toBe(
      '2008-10-27T07:00:00.000Z',
    );
  });

  it.each([
    [(j: Reminders) => (j.digest.cron = '0 25 * * *'), '/digest/cron', /not a cron schedule/],
    [(j: Reminders) => (j.digest.timezone = 'Mars/Olympus'), '/digest/timezone', /IANA time zone/],
    [(j: Reminders) => (j.byUrgency.immediate.remindBefore = ['PT0H']), '/byUrgency/immediate/remindBefore/0', /zero/],
    [(j: Reminders) => (j.byUrgency.scheduled.remindBefore = ['P1M']), '/byUrgency/scheduled/remindBefore/0', /./],
  ])('refuses a bad value, naming the file and the place (%#)', (edit, pointer, problem) => {
    const dir = copyRules();
    editJson(join(dir, 'reminders.json'), edit);
    let error: unknown;
    try {
      RulesFolder.load(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RulebookError);
    const found = (error as RulebookError).problems.find((p) => p.file.endsWith('reminders.json'));
    expect(found).toMatchObject({ pointer: expect.stringContaining(pointer) });
    expect(found!.problem).toMatch(problem);
  });
});

describe('nextDueActions under any clock (forward, backward, restarts between every step)', () => {
  const convenedAt = Date.parse('2008-10-23T16:00:00Z');
  const fiveDaysLate = Date.parse(DEADLINE) + 5 * 86_400_000;

  it.each(['immediate', 'scheduled'] as const)(
    '%s: never sends a key twice, takes the default path exactly once, and reminds nothing before the deadline after it',
    (urgency) => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: convenedAt, max: fiveDaysLate }), { maxLength: 30 }), (times) => {
          let events = eventsFrom([convened(urgency)]);
          const sent: DueAction[] = [];
          for (const t of times) {
            const now = new Date(t).toISOString();
            const { due } = schedule(events, now); // a fresh fold each time: a restart or another process
            sent.push(...due);
            events = recorded(events, due, now);
          }
          const keys = sent.map((a) => a.key);
          expect(new Set(keys).size).toBe(keys.length);
          const passed = times.some((t) => t >= Date.parse(DEADLINE));
          expect(sent.filter((a) => a.kind === 'default-path')).toHaveLength(passed ? 1 : 0);
          const taken = sent.findIndex((a) => a.kind === 'default-path');
          if (taken >= 0)
            expect(sent.slice(taken).filter((a) => a.kind === 'reminder' || a.kind === 'direct-message')).toEqual([]);
        }),
      );
    },
  );
});
