/** What a decision is made on: the bulletin's revision and sources, and digests of inventory, network and rules. */
import type { Bulletin } from '../bulletins/model';
import type { DecisionSnapshot } from '../decisions/decision-model';
import { exposureInputsDigest } from '../store/exposure-store';
import { inventoryDigest } from '../store/inventory-store';
import type { AppContext } from './app-context';
import { readRulebookSource } from './load-rulebook';

/** `rulebookDigest` is the digest of the rulebook that produced the assessment shown, when the caller has it. */
export function takeSnapshot(ctx: AppContext, bulletin: Bulletin, rulebookDigest?: string): DecisionSnapshot {
  const advisories = ctx.bulletins.advisoryRecords(bulletin.id);
  const revision = advisories[advisories.length - 1]?.revision;
  return {
    ...(revision !== undefined ? { bulletinRevision: revision } : {}),
    bulletinSourceSeqs: [
      ...new Set(bulletin.sources.map((s) => s.eventSeq).filter((seq): seq is number => seq !== undefined)),
    ].sort((a, b) => a - b),
    inventoryHash: inventoryDigest(ctx.db),
    exposureInputsHash: exposureInputsDigest(ctx.db),
    rulebookHash: rulebookDigest ?? readRulebookSource(ctx.rulesDir).digest,
    logHeadSeq: ctx.events.head().seq,
  };
}
