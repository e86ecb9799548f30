/**
 * The reward side: what to do, asset by asset. Block the port where it is a mitigation, patch now what is
 * immediate, stage the rest in waves when the fix is young or needs a restart (cluster members one at a time),
 * ask providers under their contract, and set a review date for what can wait.
 */
import dayjs, { type Dayjs } from 'dayjs';
import type { Asset } from '../inventory/model';
import { formatTime } from '../common/time-format';
import { addHours, contractualDeadline, instant, isoInstant } from './deadline';
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

/** What every step of one plan reads: the items split by who patches, the fix and how young it is. */
interface Situation {
  ctx: PlanContext;
  zone: string;
  now: Dayjs;
  /** "KB958644", or "the fix for MS08-067" when the bulletin names none. */
  fix: string;
  fixAgeHours: number | undefined;
  /** Younger than the soak time (or of unknown age). */
  young: boolean;
  /** Patch in waves with a soak: the fix is young or needs a restart. */
  staged: boolean;
  items: PlanItem[];
  self: PlanItem[];
  provider: PlanItem[];
}

export function buildPlan(items: PlanItem[], ctx: PlanContext): Plan {
  const situation = situationOf(items, ctx);
  const steps = [
    ...mitigateSteps(situation),
    ...patchNowSteps(situation),
    ...establishSteps(situation),
    ...waveSteps(situation),
    ...askProviderSteps(situation),
    ...deferSteps(situation),
  ];
  return { steps, staged: situation.staged, ...recommendedCall(situation) };
}

function situationOf(items: PlanItem[], ctx: PlanContext): Situation {
  const zone = ctx.policy.timezone;
  const now = ctx.now.tz(zone);
  const fixAgeHours = ctx.fixReleasedAt ? now.diff(instant(ctx.fixReleasedAt, zone), 'hour', true) : undefined;
  const young = fixAgeHours === undefined || fixAgeHours < ctx.policy.soakHours;
  return {
    ctx,
    zone,
    now,
    fix: ctx.fixIds.join(', ') || `the fix for ${ctx.bulletinId}`,
    fixAgeHours,
    young,
    staged: young || ctx.restartRequired,
    items,
    self: items.filter((i) => i.asset.patchedBy === 'self'),
    provider: items.filter((i) => i.asset.patchedBy === 'provider'),
  };
}

/** The urgency that counts for patching: the one with the suggested block in place, when the what-if lowers it. */
function effective(item: PlanItem): Urgency {
  return item.urgencyAfterMitigation ?? item.urgency;
}

/**
 * One block per filter rule set and port that lets an urgent, open asset of ours be reached. None when the ports are
 * the host's (ports unknown): blocking a port not known to carry the vulnerable service would be an invented fix.
 */
function mitigateSteps({ self, now, fix, ctx }: Situation): PlanStep[] {
  const blockable = self.filter(
    (i) =>
      (i.urgency === 'immediate' || i.urgency === 'out-of-cycle') &&
      i.systemExposure === 'open' &&
      i.route &&
      i.route.filter !== UNFILTERED_ROUTE &&
      !i.route.portsAssumed,
  );
  const groups = groupBy(blockable, (i) => `${i.route!.filter}|${i.route!.rules?.join(',')}|${i.route!.port}`);
  return [...groups.values()].map((group) => {
    const route = group[0]!.route!;
    const lowered = group.filter((i) => i.urgencyAfterMitigation);
    const rules = route.rules ? `${route.rules.length === 1 ? 'rule' : 'rules'} ${route.rules.join(', ')}` : '';
    return {
      kind: 'mitigate',
      title: `Block ${route.port} at ${route.filter}${route.rules ? ` (${rules})` : ''}`,
      assets: names(group),
      startAt: isoInstant(now),
      dueAt: earliest(group),
      details:
        `${route.rules ? `${route.filter} ${rules} (${route.ruleTexts!.join('; ')})` : `The policy of ${route.filter}`} ${route.rules && route.rules.length > 1 ? 'let' : 'lets'} ${route.port} in from ${route.zone}; ` +
        `blocking it there (${blockAttribution(route.port, ctx.workarounds ?? [])}) closes that route until ${fix} is installed.` +
        (lowered.length
          ? ` With the block in place the what-if lowers ${lowered.map((i) => `${i.asset.name} from ${i.urgency} to ${i.urgencyAfterMitigation}`).join(', ')}, so the patch can follow in the waves.`
          : ' The patch stays due as planned.'),
    };
  });
}

/** What we patch ourselves and is immediate even with the block: now, without a soak. */
function patchNowSteps({ self, now, fix, ctx }: Situation): PlanStep[] {
  const immediate = self.filter((i) => effective(i) === 'immediate');
  if (!immediate.length) return [];
  return [
    {
      kind: 'patch-now',
      title: `Patch now: ${names(immediate).join(', ')}`,
      assets: names(immediate),
      startAt: isoInstant(now),
      dueAt: earliest(immediate),
      details: `Install ${fix} now${ctx.restartRequired ? ' and restart' : ''}; the urgency does not wait for a soak.${clusterNote(immediate)}`,
    },
  ];
}

/** Assets matching could not place, per CMDB owner: find out within the time an immediate asset would get. */
function establishSteps({ ctx, now, zone }: Situation): PlanStep[] {
  const hours = ctx.policy.urgencySla.immediate.hours;
  return [...groupBy(ctx.unknowns ?? [], (u) => u.asset.owner ?? '')].map(([owner, group]) => {
    const list = group.map((u) => u.asset.name);
    return {
      kind: 'establish',
      title: `Establish: whether ${list.length === 1 ? `${list[0]} is` : `${list.length} assets are`} affected${owner ? ` (${owner})` : ''}`,
      assets: list,
      startAt: isoInstant(now),
      dueAt: isoInstant(addHours(now, hours, zone)),
      details:
        `${owner ? `${owner} (the owner in the CMDB)` : 'Nobody is named as owner in the CMDB; whoever runs these hosts'}: ` +
        `patchcall could not tell whether ${ctx.bulletinId} affects ${list.join(', ')}. ` +
        group.map((u) => `${u.asset.name}${u.possiblyAffected ? ' (possibly affected)' : ''}: ${u.why}`).join(' ') +
        ` Import what is missing (a software inventory, an SBOM, the OS) or check by hand, within the time an immediate asset would get (${hours} h): an unknown asset may be an affected one.`,
    };
  });
}

/** Out-of-cycle and scheduled assets of ours: staged waves with a soak, or by urgency when the fix is proven. */
function waveSteps(situation: Situation): PlanStep[] {
  const waves = situation.self.filter((i) => effective(i) === 'out-of-cycle' || effective(i) === 'scheduled');
  if (!waves.length) return [];
  return situation.staged ? stagedWaves(situation, waves) : provenFixWaves(situation, waves);
}

/** Wave 1 where a bad update hurts least; wave 2 (production and critical) after the soak, or by its deadline. */
function stagedWaves({ ctx, now, zone, fix, young, fixAgeHours }: Situation, waves: PlanItem[]): PlanStep[] {
  const soakHours = ctx.policy.soakHours;
  const first = waves.filter(
    (i) => i.asset.environment !== 'production' || i.asset.criticality === 'low' || i.asset.criticality === 'medium',
  );
  const inFirst = new Set(first);
  const second = waves.filter((i) => !inFirst.has(i));
  const soakEnd = maxOf(
    now,
    ctx.fixReleasedAt ? addHours(instant(ctx.fixReleasedAt, zone), soakHours, zone) : addHours(now, soakHours, zone),
  );
  const because = [
    young
      ? `the fix is ${fixAgeHours === undefined ? 'of unknown age' : `${Math.floor(fixAgeHours)} h old`} (soak time ${soakHours} h)`
      : '',
    ctx.restartRequired ? 'it needs a restart' : '',
  ]
    .filter(Boolean)
    .join(' and ');
  const steps: PlanStep[] = [];
  if (first.length) {
    steps.push({
      kind: 'patch-wave',
      title: 'Wave 1: staging and non-critical',
      assets: names(first),
      startAt: isoInstant(now),
      dueAt: earliest(first),
      details: `Install ${fix} first where a bad update hurts least, because ${because}; watch for problems before wave 2.${clusterNote(first)}`,
    });
  }
  if (second.length) {
    const due = earliest(second);
    const late = soakEnd.isAfter(dayjs(due));
    steps.push({
      kind: 'patch-wave',
      title: `Wave 2: production and critical after a ${soakHours} h soak`,
      assets: names(second),
      startAt: late ? due : isoInstant(soakEnd),
      dueAt: due,
      details:
        (young
          ? `Install ${fix} once it has soaked ${soakHours} h since release and wave 1 shows no problems.`
          : `Install ${fix} once wave 1 shows no problems after its restart.`) +
        clusterNote(second) +
        (late
          ? ` The soak would end ${formatTime(isoInstant(soakEnd), zone)}, after the deadline, so it is cut short: start by the deadline, or mitigate first.`
          : ''),
    });
  }
  return steps;
}

/** The fix is past its soak and needs no restart: out of cycle, then the next maintenance window. */
function provenFixWaves({ ctx, now, fix }: Situation, waves: PlanItem[]): PlanStep[] {
  return (['out-of-cycle', 'scheduled'] as const).flatMap((urgency): PlanStep[] => {
    const group = waves.filter((i) => effective(i) === urgency);
    if (!group.length) return [];
    return [
      {
        kind: 'patch-wave',
        title: urgency === 'out-of-cycle' ? 'Patch out of cycle' : 'Patch in the next maintenance window',
        assets: names(group),
        startAt: isoInstant(now),
        dueAt: earliest(group),
        details: `The fix is past its ${ctx.policy.soakHours} h soak and needs no restart: install ${fix}.${clusterNote(group)}`,
      },
    ];
  });
}

/** One request per provider, with the deadline its contract gives and the one we ask for. */
function askProviderSteps({ provider, ctx, now, zone, fix }: Situation): PlanStep[] {
  return [...groupBy(provider, (i) => i.asset.provider ?? 'the provider')].map(([name, group]) => {
    const due = earliest(group);
    const slas = [...new Set(group.map((i) => i.asset.patchSlaDays))];
    const contract =
      slas.length === 1 && slas[0] !== undefined && ctx.fixReleasedAt
        ? `Under our contract (${slas[0]} days from the release on ${ctx.fixReleasedAt.slice(0, 10)}) it is due by ${formatTime(isoInstant(contractualDeadline(ctx.fixReleasedAt, slas[0], zone)), zone)}.`
        : 'Please confirm the deadline your contract gives.';
    const worst = group.reduce(
      (a, i) => (URGENCIES.indexOf(i.urgency) > URGENCIES.indexOf(a) ? i.urgency : a),
      'defer' as Urgency,
    );
    return {
      kind: 'ask-provider',
      title: `Ask ${name} to patch`,
      assets: names(group),
      startAt: isoInstant(now),
      dueAt: due,
      details:
        `Request to ${name}: please install ${fix} (${ctx.bulletinId}) on ${names(group).join(', ')}${ctx.restartRequired ? ', including the restart it needs' : ''}. ` +
        `${contract} We rate it ${worst} and ask for it by ${formatTime(due, zone)}; please tell us when it is done or if you cannot meet that date.`,
    };
  });
}

/** What of ours can wait: a review date. */
function deferSteps({ self, ctx }: Situation): PlanStep[] {
  const deferred = self.filter((i) => effective(i) === 'defer');
  if (!deferred.length) return [];
  return [
    {
      kind: 'defer',
      title: 'Defer and review',
      assets: names(deferred),
      dueAt: earliest(deferred),
      details: `Nothing urgent: review ${ctx.bulletinId} again by the due date, or sooner if exploitation or exposure changes.`,
    },
  ];
}

/** The call for the affected assets; while some assets cannot be placed, nothing is deferred on their behalf. */
function recommendedCall(situation: Situation): { call: CallOutcome; why: string } {
  const recommended = callForAffected(situation);
  const unknowns = situation.ctx.unknowns ?? [];
  if (!unknowns.length) return recommended;
  const unknownText = `unknown exposure for ${unknowns.length} asset${unknowns.length === 1 ? '' : 's'}`;
  if (recommended.call === 'defer') return { call: 'establish', why: unknownText };
  return { call: recommended.call, why: `${recommended.why}; ${unknownText}` };
}

function callForAffected({ items, self, provider, staged }: Situation): { call: CallOutcome; why: string } {
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

/** The due time of the item due first. */
function earliest(items: PlanItem[]): string {
  return items.reduce((a, i) => (i.dueMs < a.dueMs ? i : a)).dueAt;
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
