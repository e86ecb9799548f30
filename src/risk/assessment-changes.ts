/**
 * What changed between two assessments of the same bulletin, asset by asset (match, urgency, exposure, plan step,
 * deadline), with the facts that decided each change, and one line for the decision's channel. A decision re-opens
 * on this: nothing may change silently, and an asset patchcall can no longer place (its match or exposure became
 * unknown, or it dropped out of the data) is a change for the worse, never a reason to relax.
 */
import type { AssetExposure } from '../exposure/model';
import type { MatchStatus } from '../inventory/model';
import { URGENCIES, type Assessment, type AssetVerdict, type FactWithSource, type Urgency } from './model';

export type ExposureLevel = 'small' | 'controlled' | 'open' | 'unknown';

/** One assessment with what it was made from: the assets' matches (unknown included) and their exposures. */
export interface AssessedBulletin {
  assessment: Assessment;
  /** Every asset matched against the bulletin; without it, an asset with a verdict counts as affected. */
  matches?: { assetId: string; assetName: string; status: MatchStatus; reasons: string[] }[];
  exposures?: AssetExposure[];
}

/** An asset as one side shows it; `unlisted` means the earlier assessment did not know it at all. */
export interface AssetStanding {
  assetId: string;
  assetName: string;
  match: MatchStatus | 'unlisted';
  urgency?: Urgency;
  exposure: ExposureLevel;
  planStep?: string;
  deadline?: string;
}

export type ChangeField = 'match' | 'urgency' | 'exposure' | 'plan step' | 'deadline' | 'recommended call';
export type Direction = 'worse' | 'better' | 'different';

export interface FieldChange {
  field: ChangeField;
  before?: string;
  after?: string;
  direction: Direction;
}

/** A fact that decided a change: an SSVC input that moved, the rules that fired, why the match or exposure moved. */
export interface DecidingFact {
  fact: string;
  before?: string;
  after?: string;
  source: string;
}

export interface AssetChange {
  assetId: string;
  assetName: string;
  before: AssetStanding;
  after: AssetStanding;
  changes: FieldChange[];
  decidingFacts: DecidingFact[];
  /** `worse` when any change is for the worse, which includes becoming unknown. */
  direction: Direction;
}

export interface AssessmentChanges {
  bulletinId: string;
  unchanged: boolean;
  /** The bulletin's overall urgency, recommended call and deadline. */
  overall: FieldChange[];
  /** Only assets with a change, worse first, then by name. */
  assets: AssetChange[];
  /** Facts that apply to every asset: the rulebook was edited. */
  decidingFacts: DecidingFact[];
  /** "nothing changed", or "2 assets changed (2 worse): web01 urgency scheduled → immediate (exploitation: …); …". */
  summary: string;
}

const EXPOSURE_RANK: Record<ExposureLevel, number> = { small: 0, controlled: 1, open: 2, unknown: 3 };
const CLEAR: (MatchStatus | 'unlisted')[] = ['patched', 'not_affected', 'retired', 'unlisted'];
const SHOWN_IN_SUMMARY = 3;

export function assessmentChanges(before: AssessedBulletin, after: AssessedBulletin): AssessmentChanges {
  const beforeStandings = standings(before);
  const afterStandings = standings(after);
  const beforeIndex = indexOf(before);
  const afterIndex = indexOf(after);
  const ids = [...new Set([...beforeStandings.keys(), ...afterStandings.keys()])];
  const assets: AssetChange[] = [];
  for (const id of ids) {
    const b = beforeStandings.get(id) ?? absent(afterStandings.get(id)!, 'unlisted');
    const a = afterStandings.get(id) ?? absent(b, 'unknown');
    const changes = fieldChanges(b, a);
    if (!changes.length) continue;
    assets.push({
      assetId: id,
      assetName: a.assetName,
      before: b,
      after: a,
      changes,
      decidingFacts: decidingFacts(id, changes, beforeIndex, afterIndex),
      direction: overallDirection(changes),
    });
  }
  const order: Record<Direction, number> = { worse: 0, different: 1, better: 2 };
  assets.sort((x, y) => order[x.direction] - order[y.direction] || x.assetName.localeCompare(y.assetName));
  const overall = overallChanges(before.assessment, after.assessment);
  const shared: DecidingFact[] =
    before.assessment.rulebookDigest !== after.assessment.rulebookDigest
      ? [
          {
            fact: 'rulebook',
            before: before.assessment.rulebookDigest?.slice(0, 12),
            after: after.assessment.rulebookDigest?.slice(0, 12),
            source: 'the rules folder (edited)',
          },
        ]
      : [];
  const unchanged = !assets.length && !overall.length;
  return {
    bulletinId: after.assessment.bulletinId,
    unchanged,
    overall,
    assets,
    decidingFacts: shared,
    summary: unchanged ? 'nothing changed' : summaryLine(overall, assets),
  };
}

function standings(side: AssessedBulletin): Map<string, AssetStanding> {
  const { assessment } = side;
  const result = new Map<string, AssetStanding>();
  const exposureOf = new Map(side.exposures?.map((e) => [e.assetId, e.systemExposure] as const));
  const stepOf = firstStepTitles(assessment);
  for (const verdict of assessment.verdicts) {
    const factExposure = verdict.facts.system_exposure?.value;
    const exposure =
      exposureOf.get(verdict.assetId) ??
      (factExposure === 'small' || factExposure === 'controlled' || factExposure === 'open' ? factExposure : 'unknown');
    result.set(verdict.assetId, {
      assetId: verdict.assetId,
      assetName: verdict.assetName,
      match: 'affected',
      urgency: verdict.urgency,
      exposure,
      ...optional('planStep', stepOf.get(verdict.assetName)),
      deadline: verdict.deadline.dueAt,
    });
  }
  for (const match of side.matches ?? []) {
    const known = result.get(match.assetId);
    if (known) result.set(match.assetId, { ...known, match: match.status });
    else
      result.set(match.assetId, {
        assetId: match.assetId,
        assetName: match.assetName,
        match: match.status,
        exposure: exposureOf.get(match.assetId) ?? 'unknown',
        ...optional('planStep', stepOf.get(match.assetName)),
      });
  }
  return result;
}

/** Each asset name's first plan step, as a search of the plan in order finds it (an estate has one per asset). */
function firstStepTitles(assessment: Assessment): Map<string, string> {
  const titles = new Map<string, string>();
  for (const step of assessment.plan)
    for (const name of step.assets) if (!titles.has(name)) titles.set(name, step.title);
  return titles;
}

/** One side's verdicts, matches and exposures by asset id, the first of each as a search in order finds it. */
interface SideIndex {
  verdicts: Map<string, AssetVerdict>;
  matches: Map<string, NonNullable<AssessedBulletin['matches']>[number]>;
  exposures: Map<string, AssetExposure>;
}

function indexOf(side: AssessedBulletin): SideIndex {
  const firstBy = <T>(items: T[] | undefined, id: (item: T) => string): Map<string, T> => {
    const map = new Map<string, T>();
    for (const item of items ?? []) if (!map.has(id(item))) map.set(id(item), item);
    return map;
  };
  return {
    verdicts: firstBy(side.assessment.verdicts, (v) => v.assetId),
    matches: firstBy(side.matches, (m) => m.assetId),
    exposures: firstBy(side.exposures, (e) => e.assetId),
  };
}

/** The other side of an asset that one assessment does not list: unknown after (never safe), unlisted before. */
function absent(other: AssetStanding, match: 'unknown' | 'unlisted'): AssetStanding {
  return { assetId: other.assetId, assetName: other.assetName, match, exposure: 'unknown' };
}

function fieldChanges(b: AssetStanding, a: AssetStanding): FieldChange[] {
  const changes: FieldChange[] = [];
  const push = (field: ChangeField, before: string | undefined, after: string | undefined, direction: Direction) => {
    if (before !== after)
      changes.push({ field, ...optional('before', before), ...optional('after', after), direction });
  };
  push('match', b.match, a.match, matchDirection(b.match, a.match));
  push('urgency', b.urgency, a.urgency, urgencyDirection(b.urgency, a.urgency));
  const exposureMoved = EXPOSURE_RANK[a.exposure] - EXPOSURE_RANK[b.exposure];
  // a known exposure after an unknown one is news, not relief: it may well be open; a patched asset's is moot
  const exposureDirection: Direction = CLEAR.includes(a.match)
    ? 'different'
    : a.exposure === 'unknown'
      ? 'worse'
      : b.exposure === 'unknown'
        ? 'different'
        : exposureMoved > 0
          ? 'worse'
          : 'better';
  push('exposure', b.exposure, a.exposure, exposureDirection);
  push('plan step', b.planStep, a.planStep, 'different');
  const deadlineMoved = b.deadline && a.deadline ? Date.parse(a.deadline) - Date.parse(b.deadline) : Number.NaN;
  if (b.deadline && a.deadline && deadlineMoved !== 0)
    push('deadline', b.deadline, a.deadline, deadlineMoved < 0 ? 'worse' : 'better');
  return changes;
}

function matchDirection(b: MatchStatus | 'unlisted', a: MatchStatus | 'unlisted'): Direction {
  if (a === 'unknown' || a === 'affected') return 'worse';
  if (CLEAR.includes(a) && !CLEAR.includes(b)) return 'better';
  return 'different';
}

function urgencyDirection(b: Urgency | undefined, a: Urgency | undefined): Direction {
  if (b === undefined || a === undefined) return a === undefined ? 'different' : 'worse';
  return URGENCIES.indexOf(a) > URGENCIES.indexOf(b) ? 'worse' : 'better';
}

function overallDirection(changes: FieldChange[]): Direction {
  if (changes.some((c) => c.direction === 'worse')) return 'worse';
  if (changes.some((c) => c.direction === 'better')) return 'better';
  return 'different';
}

function decidingFacts(id: string, changes: FieldChange[], before: SideIndex, after: SideIndex): DecidingFact[] {
  const facts: DecidingFact[] = [];
  const verdictBefore = before.verdicts.get(id);
  const verdictAfter = after.verdicts.get(id);
  const factsBefore: Record<string, FactWithSource> = verdictBefore?.facts ?? {};
  const factsAfter: Record<string, FactWithSource> = verdictAfter?.facts ?? {};
  // an asset entering or leaving the assessment changed its match, not its facts
  const bothVerdicts = verdictBefore && verdictAfter;
  for (const name of bothVerdicts ? [...new Set([...Object.keys(factsBefore), ...Object.keys(factsAfter)])] : []) {
    const b = factsBefore[name];
    const a = factsAfter[name];
    if (b && a && String(b.value) === String(a.value)) continue;
    facts.push({
      fact: name,
      ...optional('before', b && String(b.value)),
      ...optional('after', a && String(a.value)),
      source: (a ?? b)!.source,
    });
  }
  const rulesBefore = verdictBefore?.rulesFired.map((r) => r.rule).join(', ');
  const rulesAfter = verdictAfter?.rulesFired.map((r) => r.rule).join(', ');
  if (changes.some((c) => c.field === 'urgency') && rulesBefore && rulesAfter && rulesBefore !== rulesAfter)
    facts.push({ fact: 'rules fired', before: rulesBefore, after: rulesAfter, source: 'the rulebook' });
  if (changes.some((c) => c.field === 'match')) {
    const match = after.matches.get(id);
    facts.push(
      match
        ? { fact: 'match', after: match.reasons.join('; ') || match.status, source: 'the inventory match' }
        : {
            fact: 'match',
            after: verdictAfter ? 'affected' : 'no longer in the assessment: cannot be shown safe',
            source: 'the new assessment',
          },
    );
  }
  if (changes.some((c) => c.field === 'exposure')) {
    const exposure = after.exposures.get(id);
    if (exposure?.reasons.length)
      facts.push({ fact: 'exposure', after: exposure.reasons.join('; '), source: 'firewall analysis' });
  }
  return facts;
}

function overallChanges(b: Assessment, a: Assessment): FieldChange[] {
  const changes: FieldChange[] = [];
  if (b.summary.urgency !== a.summary.urgency)
    changes.push({
      field: 'urgency',
      before: b.summary.urgency,
      after: a.summary.urgency,
      direction: urgencyDirection(b.summary.urgency, a.summary.urgency),
    });
  if (b.summary.recommendedCall !== a.summary.recommendedCall)
    changes.push({
      field: 'recommended call',
      before: b.summary.recommendedCall,
      after: a.summary.recommendedCall,
      direction: 'different',
    });
  const moved = Date.parse(a.summary.deadline.dueAt) - Date.parse(b.summary.deadline.dueAt);
  if (moved !== 0)
    changes.push({
      field: 'deadline',
      before: b.summary.deadline.dueAt,
      after: a.summary.deadline.dueAt,
      direction: moved < 0 ? 'worse' : 'better',
    });
  return changes;
}

function summaryLine(overall: FieldChange[], assets: AssetChange[]): string {
  const parts: string[] = [];
  if (overall.length) parts.push(`overall ${overall.map(describeChange).join(', ')}`);
  if (assets.length) {
    const counts = (['worse', 'better', 'different'] as Direction[])
      .map((d) => [d, assets.filter((a) => a.direction === d).length] as const)
      .filter(([, n]) => n > 0)
      .map(([d, n]) => `${n} ${d}`);
    const shown = assets.slice(0, SHOWN_IN_SUMMARY).map((asset) => {
      const facts = asset.decidingFacts
        .filter((f) => f.fact !== 'match' && f.fact !== 'exposure')
        .map((f) => `${f.fact}: ${f.before ?? '–'} → ${f.after ?? '–'}`);
      const unknown = asset.after.match === 'unknown' ? ' — unknown, not safe' : '';
      return `${asset.assetName} ${asset.changes.map(describeChange).join(', ')}${facts.length ? ` (${facts.join('; ')})` : ''}${unknown}`;
    });
    const more = assets.length > SHOWN_IN_SUMMARY ? `; and ${assets.length - SHOWN_IN_SUMMARY} more` : '';
    parts.push(
      `${assets.length} asset${assets.length === 1 ? '' : 's'} changed (${counts.join(', ')}): ${shown.join('; ')}${more}`,
    );
  }
  return parts.join('; ');
}

function describeChange(change: FieldChange): string {
  return `${change.field} ${change.before ?? '–'} → ${change.after ?? '–'}`;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
