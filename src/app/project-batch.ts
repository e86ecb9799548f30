/** Routes an imported batch to the read model of its kind. Called in the transaction that appended its event. */
import type { AppContext } from './app-context-type';
import type { ImportBatch } from './formats';
import { clearInventory, projectInventory } from '../store/inventory-store';
import { clearExposureInputs, projectFilters, projectNetwork } from '../store/exposure-store';

/** One of the events a large inventory is written as (src/app/import-parts.ts); 1-based. */
export interface ImportPart {
  index: number;
  of: number;
}

export function projectBatch(ctx: AppContext, eventSeq: number, batch: ImportBatch, part?: ImportPart): void {
  switch (batch.kind) {
    case 'bulletins':
      return ctx.bulletins.project(eventSeq, batch);
    case 'inventory':
      return projectInventory(ctx.db, eventSeq, batch, part);
    case 'filters':
      return projectFilters(ctx.db, eventSeq, batch);
    case 'network':
      return projectNetwork(ctx.db, eventSeq, batch);
    case 'roster':
      // the roster is read from its import events directly (src/app/roles-roster.ts): nothing to cache
      return;
  }
}

export function clearProjections(ctx: AppContext): void {
  ctx.bulletins.clear();
  clearInventory(ctx.db);
  clearExposureInputs(ctx.db);
}

/** One line for the import report, e.g. "advisory MS08-067" or "12 assets". */
export function describeBatch(batch: ImportBatch): string {
  switch (batch.kind) {
    case 'bulletins': {
      const parts: string[] = [];
      const ids = batch.advisories.map((a) => a.id);
      if (ids.length)
        parts.push(
          `${ids.length === 1 ? 'advisory' : `${ids.length} advisories`} ${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}`,
        );
      if (batch.cves.length) parts.push(`${batch.cves.length} CVE record${batch.cves.length === 1 ? '' : 's'}`);
      if (batch.epssTable)
        parts.push(`${batch.epssTable.rowCount} EPSS score${batch.epssTable.rowCount === 1 ? '' : 's'}`);
      return parts.join(' and ') || 'nothing to record';
    }
    case 'inventory': {
      const software = batch.assets.reduce((n, a) => n + (a.software?.length ?? 0), 0);
      const warnings = batch.warnings?.length ?? 0;
      return `${batch.assets.length} asset view${batch.assets.length === 1 ? '' : 's'}${batch.fixes.length ? `, ${batch.fixes.length} installed fix${batch.fixes.length === 1 ? '' : 'es'}` : ''}${software ? `, ${software} installed package${software === 1 ? '' : 's'}` : ''}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`;
    }
    case 'filters':
      return `${batch.filters.length} filter${batch.filters.length === 1 ? '' : 's'} (${batch.filters.map((f) => f.name).join(', ')})`;
    case 'network':
      return `network description (${batch.network.zones.length} zones, ${batch.network.guards.length} guards)`;
    default:
      return batch.kind;
  }
}
