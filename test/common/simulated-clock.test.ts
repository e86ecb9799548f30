import { PatchcallError } from '../../src/common/errors';
import {
  clockFromEnvironment,
  parseSimulatedClock,
  simulatedClock,
  simulatedClockRefusal,
} from '../../src/common/simulated-clock';

/** A real clock the test moves by hand. */
function handClock(startIso: string) {
  let now = Date.parse(startIso);
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

function refusal(run: () => unknown): PatchcallError {
  try {
    run();
  } catch (error) {
    if (error instanceof PatchcallError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('PATCHCALL_CLOCK', () => {
  it('starts at the given instant and runs an hour per real second at @3600', () => {
    const real = handClock('2026-12-06T08:00:00Z');
    const clock = simulatedClock(parseSimulatedClock('2008-10-23T18:30:00Z@3600'), real.now);
    expect(clock().toISOString()).toBe('2008-10-23T18:30:00.000Z');
    real.advance(1000);
    expect(clock().toISOString()).toBe('2008-10-23T19:30:00.000Z');
    real.advance(23_000);
    expect(clock().toISOString()).toBe('2008-10-24T18:30:00.000Z');
  });

  it('runs at real speed without a speed, and reads an offset', () => {
    expect(parseSimulatedClock('2008-10-23T20:30:00+02:00')).toEqual({
      start: new Date('2008-10-23T18:30:00Z'),
      speed: 1,
    });
    expect(parseSimulatedClock('2008-10-23T18:30:00Z@0.5').speed).toBe(0.5);
  });

  it.each([
    ['yesterday', /not an ISO 8601 date/],
    ['2008-10-23', /time of day/],
    ['2008-10-23T18:30:00', /time zone/],
    ['2008-10-23T18:30:00Z@', /speed "" is not a positive number/],
    ['2008-10-23T18:30:00Z@0', /speed "0" is not a positive number/],
    ['2008-10-23T18:30:00Z@-5', /speed "-5"/],
    ['2008-10-23T18:30:00Z@fast', /speed "fast"/],
    ['2008-10-23T18:30:00Z@2@3', /more than one "@"/],
    ['2008-02-30T18:30:00Z', /not a real calendar date/],
  ])('refuses %s with a CONFIG error naming the variable', (value, problem) => {
    const error = refusal(() => parseSimulatedClock(value));
    expect(error.code).toBe('CONFIG');
    expect(error.message).toContain(`PATCHCALL_CLOCK="${value}"`);
    expect(error.message).toMatch(problem);
  });
});

describe('where a simulated clock may run', () => {
  const clock = '2008-10-23T18:30:00Z@3600';

  it('refuses it against Slack itself unless PATCHCALL_REHEARSAL=1', () => {
    expect(simulatedClockRefusal({ clock })).toMatch(/PATCHCALL_CLOCK is set.*PATCHCALL_REHEARSAL=1/);
    expect(simulatedClockRefusal({ clock, slackApiUrl: 'https://slack.com/api/' })).toBeDefined();
    expect(simulatedClockRefusal({ clock, rehearsal: 'true' })).toBeDefined();
    expect(simulatedClockRefusal({ clock, slackApiUrl: 'http://127.0.0.1.evil.example/api/' })).toBeDefined();
    expect(simulatedClockRefusal({ clock, rehearsal: '1' })).toBeUndefined();
    expect(simulatedClockRefusal({ clock, slackApiUrl: 'http://127.0.0.1:40123/api/' })).toBeUndefined();
    expect(simulatedClockRefusal({ clock, slackApiUrl: 'http://localhost:3000/api/' })).toBeUndefined();
    expect(simulatedClockRefusal({})).toBeUndefined();
  });

  it('gives the real clock when unset, and marks a simulated run as a rehearsal', () => {
    const real = handClock('2026-12-06T08:00:00Z');
    const plain = clockFromEnvironment({}, real.now);
    expect(plain.rehearsal).toBe(false);
    expect(plain.now().toISOString()).toBe('2026-12-06T08:00:00.000Z');
    const simulated = clockFromEnvironment({ clock, rehearsal: '1' }, real.now);
    expect(simulated.rehearsal).toBe(true);
    expect(simulated.now().toISOString()).toBe('2008-10-23T18:30:00.000Z');
    expect(refusal(() => clockFromEnvironment({ clock }, real.now)).code).toBe('CONFIG');
  });
});
