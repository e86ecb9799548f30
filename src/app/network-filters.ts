/** Checks the network description's references to imported filters, at import and again at exposure. */
import { InputError } from '../common/errors';
import type { NetworkDescription } from '../exposure/network-model';

/**
 * A guard or host filter naming no imported filter would silently leave that hop open: refuse it, unless the
 * description says `assumeOpen: true` for it.
 */
export function refuseUnknownFilters(network: NetworkDescription, known: Set<string>): void {
  const dangling = [
    ...network.guards.map((g) => ({
      filter: g.filter,
      assumeOpen: g.assumeOpen,
      locator: g.locator,
      what: `guarding ${g.zones.join(', ')}`,
    })),
    ...network.hosts.map((h) => ({
      filter: h.filter,
      assumeOpen: h.assumeOpen,
      locator: h.locator,
      what: `host filter of ${h.asset}`,
    })),
  ].find((ref) => !ref.assumeOpen && !known.has(ref.filter));
  if (!dangling) return;
  const imported = [...known].sort();
  throw new InputError(
    network.document,
    `filter "${dangling.filter}" (${dangling.what}) is not imported. Import it first or in the same command ` +
      `(patchcall import --name ${dangling.filter} <file>), or write assumeOpen: true for it to treat that hop as open. ` +
      `Imported filters: ${imported.length ? imported.slice(0, 10).join(', ') + (imported.length > 10 ? `, … (${imported.length})` : '') : 'none'}`,
    { pointer: `${dangling.locator}/filter` },
  );
}
