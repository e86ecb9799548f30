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
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new RulebookError([{ file, problem: 'must be a JSON object' }]);
  const problems: RulebookProblem[] = [];
  const bad = (path: string, problem: string) => problems.push({ file, problem: `${path}: ${problem}` });
  const at = (path: string): unknown => valueAt(json, path);
  const oneOf = (path: string, values: readonly string[]) => {
    if (!values.includes(at(path) as string)) bad(path, `must be one of ${values.join(', ')}`);
  };

  const zone = at('/timezone');
  if (typeof zone !== 'string' || !validZone(zone))
    bad('/timezone', `"${zone}" is not an IANA time zone (e.g. "Europe/Berlin")`);
  const deadlinePolicy = at('/deadlinePolicy');
  if (deadlinePolicy !== 'ssvc-sla' && deadlinePolicy !== 'bod-26-04')
    bad('/deadlinePolicy', `must be "ssvc-sla" or "bod-26-04", not ${JSON.stringify(deadlinePolicy)}`);
  const epss = at('/epssThreshold');
  if (!(typeof epss === 'number' && epss > 0 && epss <= 1))
    bad('/epssThreshold', 'must be a probability above 0 and at most 1');
  const soak = at('/soakHours');
  if (!(typeof soak === 'number' && soak >= 0)) bad('/soakHours', 'must be a number of hours, 0 or more');
  for (const path of [
    '/urgencySla/immediate/hours',
    '/urgencySla/out-of-cycle/hours',
    '/urgencySla/scheduled/nextWindowWithinDays',
    '/urgencySla/defer/reviewAfterDays',
  ])
    if (!positive(at(path))) bad(path, 'must be a positive number');
  for (const timeline of BOD_TIMELINES) {
    const days = at(`/bodTimelineDays/${timeline}`);
    if (!(days === null || positive(days)))
      bad(
        `/bodTimelineDays/${timeline}`,
        'must be a positive number of days or null (no date: fix at the next upgrade)',
      );
  }
  const windows = at('/maintenanceWindows');
  if (!Array.isArray(windows)) bad('/maintenanceWindows', 'must be an array (it may be empty)');
  else
    windows.forEach((_, i) => {
      const w = `/maintenanceWindows/${i}`;
      if (typeof at(`${w}/name`) !== 'string') bad(`${w}/name`, 'must be a string');
      oneOf(`${w}/weekday`, WEEKDAYS);
      if (!CLOCK.test(String(at(`${w}/start`)))) bad(`${w}/start`, 'must be a time of day such as "22:00"');
      if (!CLOCK.test(String(at(`${w}/end`)))) bad(`${w}/end`, 'must be a time of day such as "04:00"');
    });
  const freezes = at('/changeFreezes');
  if (!Array.isArray(freezes)) bad('/changeFreezes', 'must be an array (it may be empty)');
  else
    freezes.forEach((_, i) => {
      const f = `/changeFreezes/${i}`;
      const from = String(at(`${f}/from`));
      const to = String(at(`${f}/to`));
      if (typeof at(`${f}/name`) !== 'string') bad(`${f}/name`, 'must be a string');
      if (!LOCAL_DATE_TIME.test(from)) bad(`${f}/from`, 'must be a local date-time such as "2008-12-19T18:00"');
      if (!LOCAL_DATE_TIME.test(to)) bad(`${f}/to`, 'must be a local date-time such as "2009-01-05T08:00"');
      else if (to <= from) bad(`${f}/to`, 'must be after "from"');
      const exempt = at(`${f}/exempt`);
      if (!Array.isArray(exempt) || !exempt.every((u) => URGENCIES.includes(u)))
        bad(`${f}/exempt`, `must list urgencies among ${URGENCIES.join(', ')}`);
    });
  for (const criticality of CRITICALITIES) oneOf(`/missionImpact/byCriticality/${criticality}`, MISSION_IMPACT);
  const nonProduction = at('/missionImpact/nonProductionEnvironments');
  if (!Array.isArray(nonProduction) || !nonProduction.every((e) => ENVIRONMENTS.includes(e)))
    bad('/missionImpact/nonProductionEnvironments', `must list environments among ${ENVIRONMENTS.join(', ')}`);
  oneOf('/missionImpact/nonProduction', MISSION_IMPACT);
  oneOf('/safetyImpact/default', SAFETY_IMPACT);
  const byTag = at('/safetyImpact/byTag');
  for (const tag of Object.keys(typeof byTag === 'object' && byTag !== null ? byTag : {}))
    oneOf(`/safetyImpact/byTag/${tag}`, SAFETY_IMPACT);
  if (problems.length) throw new RulebookError(problems);
  // every field the type names was checked above
  return { ...(json as Omit<Policy, 'file'>), file };
}

/** The value at a JSON pointer (keys only, no escapes: policy keys have no "/" or "~"), undefined when absent. */
function valueAt(json: unknown, path: string): unknown {
  let value = json;
  for (const key of path.split('/').slice(1)) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
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
