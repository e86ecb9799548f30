/** Reading bulletins back: the list, and one bulletin merged from every source that spoke about it. */
import { PatchcallError } from '../common/errors';
import { mergeBulletin } from '../bulletins/merge-bulletin';
import type { Bulletin } from '../bulletins/model';
import type { AppContext } from './app-context';

const CVE_ID = /^CVE-\d{4}-\d{4,19}$/i;

export function listBulletins(ctx: AppContext): Bulletin[] {
  return ctx.bulletins.advisoryIds().map(({ id }) => loadBulletin(ctx, id));
}

/**
 * By advisory id (MS08-067) or by CVE id; a CVE covered by one advisory resolves to that advisory.
 * `asOfSeq` gives the bulletin as it was known when the log ended at that event (for an audit record).
 */
export function loadBulletin(ctx: AppContext, id: string, asOfSeq = Number.MAX_SAFE_INTEGER): Bulletin {
  const known = <T extends { source: { eventSeq?: number } }>(records: T[]) =>
    records.filter((r) => (r.source.eventSeq ?? 0) <= asOfSeq);
  const advisories = known(ctx.bulletins.advisoryRecords(id));
  if (advisories.length) {
    const canonicalId = advisories[advisories.length - 1]!.id;
    const cves = [...new Set(advisories.flatMap((a) => a.cves))];
    return mergeBulletin(canonicalId, advisories, known(ctx.bulletins.cveRecords(cves)), ctx.calendars);
  }
  if (CVE_ID.test(id)) {
    const cve = id.toUpperCase();
    const owners = ctx.bulletins.advisoriesForCve(cve);
    if (owners.length === 1) return loadBulletin(ctx, owners[0]!, asOfSeq);
    const records = known(ctx.bulletins.cveRecords([cve]));
    if (records.length) return mergeBulletin(cve, [], records, ctx.calendars);
  }
  throw new PatchcallError('NOT_FOUND', `no bulletin "${id}" has been imported (see \`patchcall bulletins\`)`);
}
