/** What a decision is made on: the bulletin's revision and sources, and digests of inventory, network and rules. */
import type { Bulletin } from '../bulletins/model';
import type { DecisionSnapshot } from '../decisions/decision-model';
import { exposureInputsDigest } from '../store/exposure-store';
import { inventoryDigest } from '../store/inventory-store';
import type { AppContext } from './app-context';
import { ReassessInputs } from './reassess-inputs';

/**
 * `rulebookDigest` is the rules folder digest of the assessment shown, when the caller has it; otherwise the
 * current folder's (it covers every file in rules/ that can change an outcome). `rulesDigest` and `rulesFiles` are
 * the current folder's, so the record can list each file's digest.
 */
export function takeSnapshot(
  ctx: AppContext,
  bulletin: Bulletin,
  rulebookDigest?: string,
  /** Digests the caller already took (a re-assessment of many decisions reads the inventory once). */
  digests?: { inventoryHash: string; exposureInputsHash: string; inputsFingerprint: string },
): DecisionSnapshot {
  const rules = ctx.rules;
  const advisories = ctx.bulletins.advisoryRecords(bulletin.id);
  const revision = advisories[advisories.length - 1]?.revision;
  return {
    ...(revision !== undefined ? { bulletinRevision: revision } : {}),
    bulletinSourceSeqs: [
      ...new Set(bulletin.sources.map((s) => s.eventSeq).filter((seq): seq is number => seq !== undefined)),
    ].sort((a, b) => a - b),
    inventoryHash: digests?.inventoryHash ?? inventoryDigest(ctx.db),
    exposureInputsHash: digests?.exposureInputsHash ?? exposureInputsDigest(ctx.db),
    rulebookHash: rulebookDigest ?? rules.digest,
    rulesDigest: rules.digest,
    rulesFiles: rules.files.map((file) => ({ path: file.path, sha256: file.sha256 })),
    logHeadSeq: ctx.events.head().seq,
    // logged with the assessment, so a re-assessment in any process knows whether this decision's inputs moved
    inputsFingerprint: digests?.inputsFingerprint ?? new ReassessInputs(ctx).fingerprint(bulletin),
  };
}
