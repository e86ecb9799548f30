/**
 * The reward side: what to do, asset by asset. Block the port where it is a mitigation, patch now what is
 * immediate, stage the rest in waves when the fix is young or needs a restart (cluster members one at a time),
 * ask providers under their contract, and set a review date for what can wait.
 */
import dayjs, { type Dayjs } from 'dayjs';
import type { Asset } from '../inventory/model';
import { addHours, contractualDeadline, instant } from './deadline';
import type { CallOutcome, PlanStep, Urgency } from './model';
import { URGENCIES } from './model';
import type { Policy } from './policy';
import { UNFILTERED_ROUTE, type ExposureRoute } from './risk-facts';

export interface PlanItem {
  asset: Asset;
  urgency: Urgency;
  /** The urgency once the mitigation is in place, when a what-if was supplied and it lowers it. */
  urgencyAfterMitigation?: Urgency;
  systemExposure: string;
  dueAt: string;
  /** `dueAt` as epoch milliseconds, for ordering across offsets. */
  dueMs: number;
  route?: ExposureRoute;
}

/** An asset matching could not place: what is missing, and who can find out (the CMDB owner). */
export interface UnknownItem {
  asset: Asset;
  why: string;
  possiblyAffected: boolean;
}

export interface PlanContext {
  bulletinId: string;
  /** The bulletin's own workarounds and mitigations, verbatim: the only ones a step may attribute to the bulletin. */
  workarounds?: string[];
  /** Assets of unknown standing: they get an "establish" step and rule out "defer". */
  unknowns?: UnknownItem[];
  fixIds: string[];
  fixReleasedAt?: string;
  restartRequired: boolean;
  now: Dayjs;
  policy: Policy;
}

export interface Plan {
  steps: PlanStep[];
  call: CallOutcome;
  staged: boolean;
  why: string;
}

export function buildPlan(items: PlanItem[], ctx: PlanContext): Plan {
  const zone = ctx.policy.timezone;
  const now = ctx.now.tz(zone);
  const fixAgeHours = ctx.fixReleasedAt ? now.diff(instant(ctx.fixReleasedAt, zone), 'hour', true) : undefined;
  const young = fixAgeHours === undefined || fixAgeHours < ctx.policy.soakHours;
  const staged = young || ctx.restartRequired;
  const fix = ctx.fixIds.join(', ') || `the fix for ${ctx.bulletinId}`;
  const steps: PlanStep[] = [];
  const self = items.filter((i) => i.asset.patchedBy === 'self');
  const provider = items.filter((i) => i.asset.patchedBy === 'provider');
  const effective = (i: PlanItem) => i.urgencyAfterMitigation ?? i.urgency;
  const earliest = (list: PlanItem[]) => list.reduce((a, i) => (i.dueMs < a.dueMs ? i : a)).dueAt;

  const blockable = self.filter(
    (i) =>
      (i.urgency === 'immediate' || i.urgency === 'out-of-cycle') &&
      i.systemExposure === 'open' &&
      i.route &&
      i.route.filter !== UNFILTERED_ROUTE,
  );
  for (const group of groupBy(
    blockable,
    (i) => `${i.route!.filter}|${i.route!.rules?.join(',')}|${i.route!.port}`,
  ).values()) {
    const route = group[0]!.route!;
    const lowered = group.filter((i) => i.urgencyAfterMitigation);
    steps.push({
      kind: 'mitigate',
      title: `Block ${route.port} at ${route.filter}${route.rules ? ` (${route.rules.length === 1 ? 'rule' : 'rules'} ${route.rules.join(', ')})` : ''}`,
      assets: names(group),
      startAt: now.format(),
      dueAt: earliest(group),
      details:
        `${route.rules ? `${route.filter} ${route.rules.length === 1 ? 'rule' : 'rules'} ${route.rules.join(', ')} (${route.ruleTexts!.join('; ')})` : `The policy of ${route.filter}`} ${route.rules && route.rules.length > 1 ? 'let' : 'lets'} ${route.port} in from ${route.zone}; ` +
        `blocking it there (${blockAttribution(route.port, ctx.workarounds ?? [])}) closes that route until ${fix} is installed.` +
        (lowered.length
          ? ` With the block in place the what-if lowers ${lowered.map((i) => `${i.asset.name} from ${i.urgency} to ${i.urgencyAfterMitigation}`).join(', ')}, so the patch can follow in the waves.`
          : ' The patch stays due as planned.'),
    });
  }

  const immediate = self.filter((i) => effective(i) === 'immediate');
  if (immediate.length) {
    steps.push({
      kind: 'patch-now',
      title: `Patch now: ${names(immediate).join(', ')}`,
      assets: names(immediate),
      startAt: now.format(),
      dueAt: earliest(immediate),
      details: `Install ${fix} now${ctx.restartRequired ? ' and restart' : ''}; the urgency does not wait for a soak.${clusterNote(immediate)}`,
    });
  }

  const unknowns = ctx.unknowns ?? [];
  for (const [owner, group] of groupBy(unknowns, (u) => u.asset.owner ?? '')) {
    const list = group.map((u) => u.asset.name);
    steps.push({
      kind: 'establish',
      title: `Establish: whether ${list.length === 1 ? `${list[0]} is` : `${list.length} assets are`} affected${owner ? ` (${owner})` : ''}`,
      assets: list,
      startAt: now.format(),
      dueAt: addHours(now, ctx.policy.urgencySla.immediate.hours, zone).format(),
      details:
        `${owner ? `${owner} (the owner in the CMDB)` : 'Nobody is named as owner in the CMDB; whoever runs these hosts'}: ` +
        `patchcall could not tell whether ${ctx.bulletinId} affects ${list.join(', ')}. ` +
        group.map((u) => `${u.asset.name}${u.possiblyAffected ? ' (possibly affected)' : ''}: ${u.why}`).join(' ') +
        ` Import what is missing (a software inventory, an SBOM, the OS) or check by hand, within the time an immediate asset would get (${ctx.policy.urgencySla.immediate.hours} h): an unknown asset may be an affected one.`,
    });
  }

  const waves = self.filter((i) => effective(i) === 'out-of-cycle' || effective(i) === 'scheduled');
  if (waves.length && staged) {
    const first = waves.filter(
      (i) => i.asset.environment !== 'production' || i.asset.criticality === 'low' || i.asset.criticality === 'medium',
    );
    const inFirst = new Set(first);
    const second = waves.filter((i) => !inFirst.has(i));
    const soakEnd = maxOf(
      now,
      ctx.fixReleasedAt
        ? addHours(instant(ctx.fixReleasedAt, zone), ctx.policy.soakHours, zone)
        : addHours(now, ctx.policy.soakHours, zone),
    );
    const because = [
      young
        ? `the fix is ${fixAgeHours === undefined ? 'of unknown age' : `${Math.floor(fixAgeHours)} h old`} (soak time ${ctx.policy.soakHours} h)`
        : '',
      ctx.restartRequired ? 'it needs a restart' : '',
    ]
      .filter(Boolean)
      .join(' and ');
    if (first.length) {
      steps.push({
        kind: 'patch-wave',
        title: 'Wave 1: staging and non-critical',
        assets: names(first),
        startAt: now.format(),
        dueAt: earliest(first),
        details: `Install ${fix} first where a bad update hurts least, because ${because}; watch for problems before wave 2.${clusterNote(first)}`,
      });
    }
    if (second.length) {
      const due = earliest(second);
      const late = soakEnd.isAfter(dayjs(due));
      steps.push({
        kind: 'patch-wave',
        title: `Wave 2: production and critical after a ${ctx.policy.soakHours} h soak`,
        assets: names(second),
        startAt: (late ? dayjs(due).tz(zone) : soakEnd).format(),
        dueAt: due,
        details:
          (young
            ? `Install ${fix} once it has soaked ${ctx.policy.soakHours} h since release and wave 1 shows no problems.`
            : `Install ${fix} once wave 1 shows no problems after its restart.`) +
          clusterNote(second) +
          (late
            ? ` The soak would end ${soakEnd.format()} after the deadline, so it is cut short: start by the deadline, or mitigate first.`
            : ''),
      });
    }
  } else if (waves.length) {
    for (const urgency of ['out-of-cycle', 'scheduled'] as const) {
      const group = waves.filter((i) => effective(i) === urgency);
      if (!group.length) continue;
      steps.push({
        kind: 'patch-wave',
        title: urgency === 'out-of-cycle' ? 'Patch out of cycle' : 'Patch in the next maintenance window',
        assets: names(group),
        startAt: now.format(),
        dueAt: earliest(group),
        details: `The fix is past its ${ctx.policy.soakHours} h soak and needs no restart: install ${fix}.${clusterNote(group)}`,
      });
    }
  }

  for (const [name, group] of groupBy(provider, (i) => i.asset.provider ?? 'the provider')) {
    const due = earliest(group);
    const slas = [...new Set(group.map((i) => i.asset.patchSlaDays))];
    const contract =
      slas.length === 1 && slas[0] !== undefined && ctx.fixReleasedAt
        ? `Under our contract (${slas[0]} days from the release on ${ctx.fixReleasedAt.slice(0, 10)}) it is due by ${contractualDeadline(ctx.fixReleasedAt, slas[0], zone).format('YYYY-MM-DD HH:mm')} (${zone}).`
        : 'Please confirm the deadline your contract gives.';
    const worst = group.reduce(
      (a, i) => (URGENCIES.indexOf(i.urgency) > URGENCIES.indexOf(a) ? i.urgency : a),
      'defer' as Urgency,
    );
    steps.push({
      kind: 'ask-provider',
      title: `Ask ${name} to patch`,
      assets: names(group),
      startAt: now.format(),
      dueAt: due,
      details:
        `Request to ${name}: please install ${fix} (${ctx.bulletinId}) on ${names(group).join(', ')}${ctx.restartRequired ? ', including the restart it needs' : ''}. ` +
        `${contract} We rate it ${worst} and ask for it by ${dayjs(due).tz(zone).format('YYYY-MM-DD HH:mm')} (${zone}); please tell us when it is done or if you cannot meet that date.`,
    });
  }

  const deferred = self.filter((i) => effective(i) === 'defer');
  if (deferred.length) {
    steps.push({
      kind: 'defer',
      title: 'Defer and review',
      assets: names(deferred),
      dueAt: earliest(deferred),
      details: `Nothing urgent: review ${ctx.bulletinId} again by the due date, or sooner if exploitation or exposure changes.`,
    });
  }

  const recommended = recommend(items, self, provider, effective, staged);
  if (!unknowns.length) return { steps, staged, ...recommended };
  const unknownText = `unknown exposure for ${unknowns.length} asset${unknowns.length === 1 ? '' : 's'}`;
  // while some assets cannot be placed, nothing may be deferred on their behalf
  if (recommended.call === 'defer') return { steps, staged, call: 'establish', why: unknownText };
  return { steps, staged, call: recommended.call, why: `${recommended.why}; ${unknownText}` };
}

function recommend(
  items: PlanItem[],
  self: PlanItem[],
  provider: PlanItem[],
  effective: (i: PlanItem) => Urgency,
  staged: boolean,
): { call: CallOutcome; why: string } {
  if (!items.length) return { call: 'defer', why: 'no affected asset' };
  if (!self.length)
    return { call: 'ask-provider', why: `every affected asset is patched by a provider (${provider.length})` };
  if (self.some((i) => effective(i) === 'immediate'))
    return { call: 'patch-now', why: 'an asset we patch ourselves is immediate' };
  if (self.some((i) => i.urgency === 'immediate'))
    return {
      call: 'mitigate-and-defer',
      why: 'the mitigation lowers every immediate asset, so the patch can follow in waves',
    };
  if (self.some((i) => effective(i) === 'out-of-cycle')) {
    return staged
      ? { call: 'waves', why: 'out-of-cycle, and the fix is young or needs a restart: stage it' }
      : { call: 'patch-now', why: 'out-of-cycle, and the fix is proven' };
  }
  if (self.some((i) => effective(i) === 'scheduled'))
    return { call: 'waves', why: 'scheduled: patch in the regular windows' };
  return { call: 'defer', why: 'every asset can be deferred' };
}

/**
 * Whose idea a block is: the bulletin's, quoted, when one of its own workarounds blocks that port; otherwise said
 * to be patchcall's suggestion, with why. A workaround is never invented for the bulletin.
 */
function blockAttribution(port: string, workarounds: string[]): string {
  const number = port.split('/')[1] ?? port;
  const own = workarounds.find((w) => /\bblock/i.test(w) && new RegExp(`\\b${number}\\b`).test(w));
  return own
    ? `the bulletin's workaround: "${own}"`
    : `a patchcall suggestion, not the bulletin's: ${port} carries the vulnerable service, and the bulletin names no workaround that blocks it`;
}

function clusterNote(items: PlanItem[]): string {
  const clusters = groupBy(
    items.filter((i) => i.asset.cluster),
    (i) => i.asset.cluster!,
  );
  return [...clusters]
    .map(
      ([cluster, group]) =>
        ` Cluster "${cluster}": ${names(group).join(', ')} one member at a time, so the service stays up.`,
    )
    .join('');
}

function names(items: PlanItem[]): string[] {
  return items.map((i) => i.asset.name);
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = map.get(k);
    if (group) group.push(item);
    else map.set(k, [item]);
  }
  return map;
}

function maxOf(a: Dayjs, b: Dayjs): Dayjs {
  return a.isAfter(b) ? a : b;
}
