import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyCycle, regularReleaseDay, validateCalendars } from '../../src/bulletins/release-cycle';

const calendars = validateCalendars(
  JSON.parse(readFileSync(join(__dirname, '../../rules/release-calendars.json'), 'utf8')),
  'rules/release-calendars.json',
);

describe('out-of-cycle detection from the vendor calendars in rules/', () => {
  it('finds MS08-067 (Thursday 2008-10-23) out of cycle', () => {
    const verdict = classifyCycle('Microsoft', '2008-10-23', [], calendars);
    expect(verdict.status).toBe('out-of-cycle');
    expect(verdict.reason).toContain('2008-10-14');
  });

  it('finds MS08-066 (Patch Tuesday 2008-10-14) in cycle', () => {
    expect(classifyCycle('Microsoft', '2008-10-14', [], calendars).status).toBe('in-cycle');
  });

  it('reads a release time in the vendor time zone: 10:00 Pacific on Patch Tuesday is 17:00Z the same day', () => {
    expect(classifyCycle('Microsoft', '2008-10-14T17:00:00Z', [], calendars).status).toBe('in-cycle');
    // 2008-10-15T05:00Z is still Tuesday evening in Redmond
    expect(classifyCycle('Microsoft', '2008-10-15T05:00:00Z', [], calendars).status).toBe('in-cycle');
    expect(classifyCycle('Microsoft', '2008-10-15T08:00:00Z', [], calendars).status).toBe('out-of-cycle');
  });

  it('knows the Oracle CPU is the Tuesday closest to the 17th of Jan/Apr/Jul/Oct', () => {
    // October 2008: the 17th was a Friday, so the CPU fell on Tuesday the 14th
    expect(
      regularReleaseDay(
        calendars.vendors.find((v) => v.vendor === 'Oracle')!.calendar,
        2008,
        10,
        'America/Los_Angeles',
      )!.format('YYYY-MM-DD'),
    ).toBe('2008-10-14');
    expect(classifyCycle('Oracle Corporation', '2024-10-15', [], calendars).status).toBe('in-cycle');
    expect(classifyCycle('Oracle', '2024-11-12', [], calendars).status).toBe('out-of-cycle');
  });

  it('says "unknown" for a vendor without a known calendar, never a guess', () => {
    const verdict = classifyCycle('Acme Widgets', '2008-10-23', [], calendars);
    expect(verdict).toEqual({ status: 'unknown', reason: 'no release calendar is known for vendor "Acme Widgets"' });
    expect(classifyCycle(undefined, '2008-10-23', [], calendars).status).toBe('unknown');
    expect(classifyCycle('Microsoft', undefined, [], calendars).status).toBe('unknown');
  });

  it('applies the Cisco bundle only to IOS products', () => {
    expect(classifyCycle('Cisco', '2018-03-28', ['Cisco IOS XE Software 16.3.1'], calendars).status).toBe('in-cycle');
    expect(classifyCycle('Cisco', '2018-03-28', ['Cisco Webex'], calendars).status).toBe('unknown');
  });

  it('refuses calendar data with a typo instead of misjudging', () => {
    expect(() =>
      validateCalendars(
        {
          vendors: [
            {
              vendor: 'X',
              aliases: [],
              timezone: 'Mars/Olympus',
              calendar: { kind: 'nth-weekday', nth: 2, weekday: 'tuesday', months: 'all' },
            },
          ],
        },
        'f.json',
      ),
    ).toThrow(/unknown time zone/);
    expect(() =>
      validateCalendars(
        {
          vendors: [
            {
              vendor: 'X',
              aliases: [],
              timezone: 'UTC',
              calendar: { kind: 'nth-weekday', nth: 2, weekday: 'tusday', months: 'all' },
            },
          ],
        },
        'f.json',
      ),
    ).toThrow(/weekday/);
  });
});
