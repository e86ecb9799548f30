/** rules/policy.json: deadlines, soak time, maintenance windows, change freezes, and the asset → SSVC impact mapping. */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import type { Criticality, Environment } from '../inventory/model';
import type { MissionImpact, SafetyImpact, Urgency } from './model';
import { URGENCIES } from './model';
import { RulebookError, type RulebookProblem } from './rulebook-error';
import { BOD_TIMELINES, MISSION_IMPACT, SAFETY_IMPACT, type BodTimeline } from './ssvc-values';

dayjs.extend(utc);
dayjs.extend(timezone);

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A weekly window in local wall-clock time; `end` at or before `start` means it ends the next day. */
export interface MaintenanceWindow {
  name: string;
  weekday: Weekday;
  start: string;
  end: string;
}

/** No changes between `from` and `to` (local wall-clock date-times) except for the `exempt` urgencies. */
export interface ChangeFreeze {
  name: string;
  from: string;
  to: string;
  exempt: Urgency[];
}

export interface Policy {
  file: string;
  timezone: string;
  deadlinePolicy: 'ssvc-sla' | 'bod-26-04';
  /** EPSS probability at or above which exploitation counts as at least "public poc". */
  epssThreshold: number;
  /** How long a young fix runs on the first wave before production and critical hosts get it. */
  soakHours: number;
  urgencySla: {
    immediate: { hours: number };
    'out-of-cycle': { hours: number };
    scheduled: { nextWindowWithinDays: number };
    defer: { reviewAfterDays: number };
  };
  bodTimelineDays: Record<BodTimeline, number | null>;
  maintenanceWindows: MaintenanceWindow[];
  changeFreezes: ChangeFreeze[];
  missionImpact: {
    byCriticality: Record<Criticality, MissionImpact>;
    nonProductionEnvironments: Environment[];
    nonProduction: MissionImpact;
  };
  safetyImpact: { default: SafetyImpact; byTag: Record<string, SafetyImpact> };
}

const CRITICALITIES: Criticality[] = ['low', 'medium', 'high', 'critical', 'unknown'];
const ENVIRONMENTS: Environment[] = ['production', 'staging', 'development', 'test', 'unknown'];
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/;

export function validatePolicy(file: string, json: unknown): Policy {
  const problems: RulebookProblem[] = [];
  const bad = (path: string, problem: string) => problems.push({ file, problem: `${path}: ${problem}` });
  const p = (json ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new RulebookError([{ file, problem: 'must be a JSON object' }]);

  if (typeof p.timezone !== 'string' || !validZone(p.timezone))
    bad('/timezone', `"${p.timezone}" is not an IANA time zone (e.g. "Europe/Berlin")`);
  if (p.deadlinePolicy !== 'ssvc-sla' && p.deadlinePolicy !== 'bod-26-04')
    bad('/deadlinePolicy', `must be "ssvc-sla" or "bod-26-04", not ${JSON.stringify(p.deadlinePolicy)}`);
  if (!(typeof p.epssThreshold === 'number' && p.epssThreshold > 0 && p.epssThreshold <= 1))
    bad('/epssThreshold', 'must be a probability above 0 and at most 1');
  if (!(typeof p.soakHours === 'number' && p.soakHours >= 0)) bad('/soakHours', 'must be a number of hours, 0 or more');
  const sla = p.urgencySla ?? {};
  if (!positive(sla.immediate?.hours)) bad('/urgencySla/immediate/hours', 'must be a positive number');
  if (!positive(sla['out-of-cycle']?.hours)) bad('/urgencySla/out-of-cycle/hours', 'must be a positive number');
  if (!positive(sla.scheduled?.nextWindowWithinDays))
    bad('/urgencySla/scheduled/nextWindowWithinDays', 'must be a positive number');
  if (!positive(sla.defer?.reviewAfterDays)) bad('/urgencySla/defer/reviewAfterDays', 'must be a positive number');
  for (const timeline of BOD_TIMELINES) {
    const days = p.bodTimelineDays?.[timeline];
    if (!(days === null || positive(days)))
      bad(
        `/bodTimelineDays/${timeline}`,
        'must be a positive number of days or null (no date: fix at the next upgrade)',
      );
  }
  if (!Array.isArray(p.maintenanceWindows)) bad('/maintenanceWindows', 'must be an array (it may be empty)');
  else {
    p.maintenanceWindows.forEach((w: Record<string, unknown>, i: number) => {
      if (typeof w?.name !== 'string') bad(`/maintenanceWindows/${i}/name`, 'must be a string');
      if (!WEEKDAYS.includes(w?.weekday as Weekday))
        bad(`/maintenanceWindows/${i}/weekday`, `must be one of ${WEEKDAYS.join(', ')}`);
      if (!CLOCK.test(String(w?.start))) bad(`/maintenanceWindows/${i}/start`, 'must be a time of day such as "22:00"');
      if (!CLOCK.test(String(w?.end))) bad(`/maintenanceWindows/${i}/end`, 'must be a time of day such as "04:00"');
    });
  }
  if (!Array.isArray(p.changeFreezes)) bad('/changeFreezes', 'must be an array (it may be empty)');
  else {
    p.changeFreezes.forEach((f: Record<string, unknown>, i: number) => {
      if (typeof f?.name !== 'string') bad(`/changeFreezes/${i}/name`, 'must be a string');
      if (!LOCAL_DATE_TIME.test(String(f?.from)))
        bad(`/changeFreezes/${i}/from`, 'must be a local date-time such as "2008-12-19T18:00"');
      if (!LOCAL_DATE_TIME.test(String(f?.to)))
        bad(`/changeFreezes/${i}/to`, 'must be a local date-time such as "2009-01-05T08:00"');
      else if (String(f.to) <= String(f.from)) bad(`/changeFreezes/${i}/to`, 'must be after "from"');
      if (!Array.isArray(f?.exempt) || !f.exempt.every((u) => URGENCIES.includes(u)))
        bad(`/changeFreezes/${i}/exempt`, `must list urgencies among ${URGENCIES.join(', ')}`);
    });
  }
  const mission = p.missionImpact ?? {};
  for (const criticality of CRITICALITIES) {
    if (!MISSION_IMPACT.includes(mission.byCriticality?.[criticality])) {
      bad(`/missionImpact/byCriticality/${criticality}`, `must be one of ${MISSION_IMPACT.join(', ')}`);
    }
  }
  if (
    !Array.isArray(mission.nonProductionEnvironments) ||
    !mission.nonProductionEnvironments.every((e: Environment) => ENVIRONMENTS.includes(e))
  ) {
    bad('/missionImpact/nonProductionEnvironments', `must list environments among ${ENVIRONMENTS.join(', ')}`);
  }
  if (!MISSION_IMPACT.includes(mission.nonProduction))
    bad('/missionImpact/nonProduction', `must be one of ${MISSION_IMPACT.join(', ')}`);
  const safety = p.safetyImpact ?? {};
  if (!SAFETY_IMPACT.includes(safety.default))
    bad('/safetyImpact/default', `must be one of ${SAFETY_IMPACT.join(', ')}`);
  for (const [tag, value] of Object.entries(safety.byTag ?? {})) {
    if (!SAFETY_IMPACT.includes(value as SafetyImpact))
      bad(`/safetyImpact/byTag/${tag}`, `must be one of ${SAFETY_IMPACT.join(', ')}`);
  }
  if (problems.length) throw new RulebookError(problems);
  return { ...(p as Omit<Policy, 'file'>), file };
}

function positive(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
