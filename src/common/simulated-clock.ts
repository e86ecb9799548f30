/**
 * PATCHCALL_CLOCK=<ISO start>[@<speed>] runs the app on a simulated clock for rehearsals and the demo:
 * `2008-10-23T18:30:00Z@3600` starts at that instant and runs an hour per real second. A simulated clock must never
 * reach real people by accident, so it is refused unless Slack is the local stand-in or PATCHCALL_REHEARSAL=1.
 */
import { ConfigError } from './errors';
import { readIsoDate } from './dates';

export const CLOCK_VARIABLE = 'PATCHCALL_CLOCK';
export const REHEARSAL_VARIABLE = 'PATCHCALL_REHEARSAL';

export interface SimulatedClockSetting {
  /** The simulated instant at which the clock starts. */
  start: Date;
  /** Simulated milliseconds per real millisecond; 1 runs at real speed. */
  speed: number;
}

/** Reads the variable's value; a start without a time zone or a speed that is not a positive number is refused. */
export function parseSimulatedClock(value: string): SimulatedClockSetting {
  const refuse = (problem: string): never => {
    throw new ConfigError(`${CLOCK_VARIABLE}="${value}": ${problem} (expected e.g. 2008-10-23T18:30:00Z@3600)`);
  };
  const [startText = '', speedText, ...rest] = value.trim().split('@');
  if (rest.length) refuse('more than one "@"');
  const reading = readIsoDate(startText);
  if (!reading.ok) return refuse(reading.problem);
  if (!/T/i.test(reading.iso)) refuse('the start needs a time of day, not only a date');
  if (reading.assumedUtc) refuse('the start needs a time zone (Z or an offset such as +02:00)');
  let speed = 1;
  if (speedText !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(speedText.trim())) refuse(`the speed "${speedText}" is not a positive number`);
    speed = Number(speedText);
    if (!(speed > 0) || !Number.isFinite(speed)) refuse(`the speed "${speedText}" is not a positive number`);
  }
  return { start: new Date(reading.iso), speed };
}

/**
 * The simulated clock: at the moment of this call it shows `start`, and from then on it moves `speed` times as fast
 * as `realNow`.
 */
export function simulatedClock(setting: SimulatedClockSetting, realNow: () => Date): () => Date {
  const realStart = realNow().getTime();
  const start = setting.start.getTime();
  return () => new Date(start + (realNow().getTime() - realStart) * setting.speed);
}

export interface ClockEnvironment {
  /** The value of PATCHCALL_CLOCK, if set. */
  clock?: string;
  /** The value of PATCHCALL_REHEARSAL, if set. */
  rehearsal?: string;
  /** The Slack Web API base URL the app talks to (SLACK_API_URL), absent for Slack's own. */
  slackApiUrl?: string;
}

/** Why a simulated clock is refused here, or undefined when it may run (or none is set). */
export function simulatedClockRefusal(env: ClockEnvironment): string | undefined {
  if (env.clock === undefined || env.clock.trim() === '') return undefined;
  if (env.rehearsal === '1' || isLocalStandIn(env.slackApiUrl)) return undefined;
  return `${CLOCK_VARIABLE} is set, but a simulated clock runs only against the local Slack stand-in (SLACK_API_URL on localhost) or with ${REHEARSAL_VARIABLE}=1, so no reminder or escalation on a fake clock reaches real people`;
}

/** What PATCHCALL_CLOCK and PATCHCALL_REHEARSAL say, checked: the app and the CLI both read them through this. */
export interface ClockSetting {
  simulatedClock?: SimulatedClockSetting;
  /** Every event written is marked as a rehearsal: under a simulated clock or with PATCHCALL_REHEARSAL=1. */
  rehearsal: boolean;
}

/** The variables of a process's environment that decide its clock. */
export function clockEnvironment(env: NodeJS.ProcessEnv): ClockEnvironment {
  const clock = env[CLOCK_VARIABLE]?.trim();
  const rehearsal = env[REHEARSAL_VARIABLE]?.trim();
  const slackApiUrl = env.SLACK_API_URL?.trim();
  return {
    ...(clock ? { clock } : {}),
    ...(rehearsal ? { rehearsal } : {}),
    ...(slackApiUrl ? { slackApiUrl } : {}),
  };
}

/**
 * The simulated clock's setting, if one is set and allowed here (refused as above), and whether the events are
 * rehearsals. PATCHCALL_REHEARSAL is 1 or unset: anything else is a mistake worth stopping for.
 */
export function readClockSetting(env: ClockEnvironment): ClockSetting {
  const rehearsal = env.rehearsal?.trim() || undefined;
  if (rehearsal !== undefined && rehearsal !== '1')
    throw new ConfigError(`${REHEARSAL_VARIABLE} must be 1 (or unset), not "${rehearsal}"`);
  if (env.clock === undefined || env.clock.trim() === '') return { rehearsal: rehearsal === '1' };
  const refusal = simulatedClockRefusal(env);
  if (refusal) throw new ConfigError(refusal);
  return { simulatedClock: parseSimulatedClock(env.clock), rehearsal: true };
}

/**
 * The clock the app runs on: the real one when PATCHCALL_CLOCK is unset, else the simulated one, refused as above.
 * `rehearsal` is true under a simulated clock or with PATCHCALL_REHEARSAL=1, so every event written then can be
 * marked as a rehearsal.
 */
export function clockFromEnvironment(
  env: ClockEnvironment,
  realNow: () => Date,
): { now: () => Date; rehearsal: boolean } {
  const setting = readClockSetting(env);
  return {
    now: setting.simulatedClock ? simulatedClock(setting.simulatedClock, realNow) : realNow,
    rehearsal: setting.rehearsal,
  };
}

/** What the store is opened with: the simulated clock when there is one, and whether events are rehearsals. */
export function clockOptions(
  setting: ClockSetting,
  realNow: () => Date = () => new Date(),
): { clock?: () => Date; rehearsal: boolean } {
  return {
    ...(setting.simulatedClock ? { clock: simulatedClock(setting.simulatedClock, realNow) } : {}),
    rehearsal: setting.rehearsal,
  };
}

function isLocalStandIn(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost');
  } catch {
    return false;
  }
}

/**
 * A payload as written during a rehearsal: `rehearsal: true` inside it, so the mark is covered by the hash chain
 * and no one can remove it unnoticed. Payloads that are not objects stay as they are.
 */
export function markedAsRehearsal(payload: unknown): unknown {
  return isRecord(payload) ? { ...payload, rehearsal: true } : payload;
}

/** True for an event written during a rehearsal. */
export function isRehearsal(payload: unknown): boolean {
  return isRecord(payload) && payload.rehearsal === true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
