import { isoUtc } from '../../src/common/time-format';
import dayjs from 'dayjs';
import { RulesFolder } from '../../src/app/rules-folder';
import { computeDeadline, contractualDeadline } from '../../src/risk/deadline';
import type { Urgency } from '../../src/risk/model';
import type { Policy } from '../../src/risk/policy';
import { SHIPPED_RULES } from './rulebook-copy';
import { asset } from './seed-story';

describe('deadlines in the policy time zone', () => {
  let policy: Policy;
  beforeAll(async () => {
    policy = (await RulesFolder.load(SHIPPED_RULES).rulebook()).policy;
  });
  const due = (urgency: Urgency, now: string, p: Policy = policy, fields = {}) =>
    computeDeadline({ urgency, asset: asset('h', fields), now: dayjs(now), policy: p, releasedAt: '2008-10-23' });

  it('Immediate is 24 elapsed hours, also across the end of summer time (Berlin, 2008-10-26)', () => {
    expect(due('immediate', '2008-10-25T12:00:00+02:00')).toEqual({
      dueAt: isoUtc('2008-10-26T11:00:00+01:00'),
      reason: 'Immediate: 24 h',
    });
  });

  it('and in New York, which left summer time a week later (2008-11-02); JSON carries the instant in UTC', () => {
    const ny = { ...policy, timezone: 'America/New_York' };
    expect(due('immediate', '2008-11-01T12:00:00-04:00', ny).dueAt).toBe('2008-11-02T16:00:00.000Z');
  });

  it('Scheduled: the next window, which crosses midnight and here the DST change (22:00 CEST to 04:00 CET)', () => {
    expect(due('scheduled', '2008-10-23T15:00:00+02:00')).toEqual({
      dueAt: isoUtc('2008-10-26T04:00:00+01:00'),
      reason:
        'Scheduled: the weekly maintenance window from Sat 25 Oct 2008 22:00 CEST (20:00 UTC) to Sun 26 Oct 2008 04:00 CET (03:00 UTC)',
    });
  });

  it("a window already under way counts (Sunday 01:00 is inside Saturday night's window)", () => {
    expect(due('scheduled', '2008-10-26T01:00:00+02:00').dueAt).toBe(isoUtc('2008-10-26T04:00:00+01:00'));
  });

  it('a change freeze pushes the date to its end, unless the urgency is exempt', () => {
    const ooc = due('out-of-cycle', '2008-12-18T10:00:00+01:00');
    expect(ooc.dueAt).toBe(isoUtc('2009-01-05T08:00:00+01:00'));
    expect(ooc.reason).toBe(
      'Out-of-cycle: 72 h; falls in the year-end change freeze (Fri 19 Dec 2008 18:00 CET (17:00 UTC) to Mon 5 Jan 2009 08:00 CET (07:00 UTC)), so moved to its end',
    );
    expect(due('immediate', '2008-12-18T10:00:00+01:00').dueAt).toBe(isoUtc('2008-12-19T10:00:00+01:00'));
  });

  it('Scheduled skips the windows inside a freeze', () => {
    expect(due('scheduled', '2008-12-18T10:00:00+01:00').dueAt).toBe(isoUtc('2009-01-11T04:00:00+01:00'));
  });

  it('Scheduled without a window in reach falls back to the 30 days', () => {
    const none = { ...policy, maintenanceWindows: [] };
    expect(due('scheduled', '2008-10-23T15:00:00+02:00', none)).toMatchObject({
      dueAt: isoUtc('2008-11-22T15:00:00+01:00'),
    });
  });

  it('Defer gives a review date', () => {
    expect(due('defer', '2008-10-23T15:00:00+02:00')).toEqual({
      dueAt: isoUtc('2008-11-22T15:00:00+01:00'),
      reason: 'Defer: review again in 30 days',
    });
  });

  it('the earliest wins: a provider contract shorter than the urgency SLA', () => {
    const d = due('scheduled', '2008-10-23T15:00:00+02:00', policy, {
      patchedBy: 'provider',
      provider: 'Contoso Hosting',
      patchSlaDays: 2,
    });
    expect(d).toEqual({
      dueAt: isoUtc('2008-10-25T23:59:00+02:00'),
      reason: 'contract SLA of Contoso Hosting: 2 days from release (2008-10-23)',
    });
  });

  it('the KEV due date when it comes first, at the end of that day', () => {
    const d = computeDeadline({
      urgency: 'scheduled',
      asset: asset('h'),
      now: dayjs('2026-06-01T09:00:00Z'),
      policy,
      kevDueDate: '2026-06-03',
    });
    expect(d).toEqual({ dueAt: isoUtc('2026-06-03T23:59:00+02:00'), reason: 'KEV due date 2026-06-03' });
  });

  it('contract days are calendar days: release 2008-10-23 + 30 days is 2008-11-22 (after the DST change)', () => {
    expect(contractualDeadline('2008-10-23', 30, 'Europe/Berlin').format()).toBe('2008-11-22T23:59:00+01:00');
    expect(contractualDeadline('2008-10-23T19:00:00Z', 30, 'America/New_York').format()).toBe(
      '2008-11-22T15:00:00-05:00',
    );
  });
});
