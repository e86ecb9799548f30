/** The bulletin and its affected assets reduced to what the decision card shows, most exposed first. */
import type { Bulletin } from '../bulletins/model';
import type { AssetExposure } from '../exposure/model';
import { URGENCIES, type Assessment, type AssetVerdict } from '../risk/model';
import type { AssetLine, BulletinBrief } from './decision-model';

export function briefBulletin(bulletin: Bulletin): BulletinBrief {
  const active =
    bulletin.exploitation.find((e) => e.status === 'active') ?? bulletin.exploitation.find((e) => e.status === 'poc');
  const kev = bulletin.kev[0];
  const exploitation = active
    ? `${active.status === 'active' ? 'exploited in the wild' : 'proof of concept public'}: ${active.evidence}`
    : kev
      ? `listed in CISA KEV since ${kev.dateAdded}`
      : 'no exploitation reported';
  return {
    id: bulletin.id,
    title: bulletin.title?.value ?? bulletin.descriptions[0]?.text ?? bulletin.id,
    ...(bulletin.vendor ? { vendor: bulletin.vendor.value } : {}),
    ...(bulletin.releasedAt ? { releasedAt: bulletin.releasedAt.value } : {}),
    cycle: bulletin.cycle,
    cves: bulletin.cves,
    fixIds: bulletin.fixIds,
    ...(bulletin.restartRequired ? { restartRequired: bulletin.restartRequired.value } : {}),
    exploitation,
  };
}

const EXPOSURE_RANK = { open: 0, controlled: 1, small: 2, unknown: 3 } as const;

/** One line per assessed asset: open before controlled before small, then the more urgent, then by name. */
export function assetLines(assessment: Assessment, exposures: AssetExposure[]): AssetLine[] {
  const byId = new Map(exposures.map((e) => [e.assetId, e]));
  return assessment.verdicts
    .map((verdict) => toLine(verdict, byId.get(verdict.assetId)))
    .sort(
      (a, b) =>
        EXPOSURE_RANK[a.exposure] - EXPOSURE_RANK[b.exposure] ||
        Number(b.publiclyExposed) - Number(a.publiclyExposed) ||
        URGENCIES.indexOf(b.urgency) - URGENCIES.indexOf(a.urgency) ||
        a.name.localeCompare(b.name),
    );
}

function toLine(verdict: AssetVerdict, exposure: AssetExposure | undefined): AssetLine {
  const stated = exposure?.systemExposure ?? factValue(verdict, ['system_exposure', 'systemExposure', 'exposure']);
  const level = stated === 'open' || stated === 'controlled' || stated === 'small' ? stated : 'unknown';
  const reached = exposure
    ? exposure.ports
        .filter((p) => p.reachableFrom.length > 0)
        .map(
          (p) =>
            `${p.protocol}/${p.port}${p.toPort !== undefined ? `-${p.toPort}` : ''} from ${[...new Set(p.reachableFrom.map((z) => z.zone))].join(', ')}`,
        )
        .join('; ') || 'no vulnerable port reachable'
    : '';
  // ports unknown: the ports are the host's, not the vulnerable service's, and the line says so
  const reach = exposure?.portsAssumed && reached ? `ports unknown, the host's: ${reached}` : reached;
  return {
    assetId: verdict.assetId,
    name: verdict.assetName,
    urgency: verdict.urgency,
    exposure: level,
    publiclyExposed: exposure?.publiclyExposed ?? false,
    reach,
    deadline: verdict.deadline.dueAt,
  };
}

function factValue(verdict: AssetVerdict, names: string[]): unknown {
  for (const name of names) if (verdict.facts[name] !== undefined) return verdict.facts[name]!.value;
  return undefined;
}
