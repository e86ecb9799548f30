/**
 * What one re-assessment run reads, loaded once and shared by every decision it looks at: the current assets, their
 * grouping by content, the exposure inputs' digest and the rules folder. A decision's inputs fingerprint is computed
 * from these without reading the inventory again, and is logged with the assessment it was computed for (the
 * snapshot of `decision.reassessed`, `decision.facts-changed` or `decision.progress-recorded`), so any process
 * compares today's fingerprint with the logged one and leaves an untouched decision alone.
 */
import { createHash } from 'node:crypto';
import type { Bulletin } from '../bulletins/model';
import { matchAssets } from '../inventory/match-assets';
import type { Asset } from '../inventory/model';
import { exposureInputsDigest } from '../store/exposure-store';
import { inventoryDigest } from '../store/inventory-store';
import type { AppContext } from './app-context';
import { listAssets } from './asset-queries';
import type { RulesFolder } from './rules-folder';

/** Bumped when what the fingerprint covers changes, so an older logged fingerprint never matches by accident. */
const FINGERPRINT_VERSION = 1;

export class ReassessInputs {
  readonly exposureInputsHash: string;
  readonly rules: RulesFolder;
  private readonly groups: AssetGroup[] = [];
  private inventoryHashOnce?: string;

  constructor(
    private readonly ctx: AppContext,
    readonly assets: Asset[] = listAssets(ctx),
  ) {
    this.rules = ctx.rules;
    this.exposureInputsHash = exposureInputsDigest(ctx.db);
    const bySignature = new Map<string, Asset[]>();
    for (const asset of assets) {
      const signature = signatureOf(asset);
      const group = bySignature.get(signature);
      if (group) group.push(asset);
      else bySignature.set(signature, [asset]);
    }
    for (const members of bySignature.values()) this.groups.push({ members, digest: digestOfMembers(members) });
    // a fixed order, so the same relevant groups always give the same fingerprint
    this.groups.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  }

  /** The whole inventory's digest for the snapshot: read only when a decision is actually assessed again. */
  get inventoryHash(): string {
    return (this.inventoryHashOnce ??= inventoryDigest(this.ctx.db));
  }

  /**
   * sha256 over everything that can change the decision's assessment: the bulletin as merged (its sources), the
   * assets it does not plainly leave alone (whole, criticality and all), the exposure inputs and the rules folder.
   * Assets with the same content apart from who they are get the same match, so one per content is matched.
   */
  fingerprint(bulletin: Bulletin): string {
    const matches = matchAssets(
      bulletin,
      this.groups.map((g) => g.members[0]!),
      { names: this.rules.get('names') },
    );
    const relevant = this.groups.filter((_, i) => matches[i]!.status !== 'not_affected').map((g) => g.digest);
    return createHash('sha256')
      .update(
        JSON.stringify({
          version: FINGERPRINT_VERSION,
          bulletin: bulletin.id,
          sources: sourceSeqs(bulletin),
          relevant,
          exposure: this.exposureInputsHash,
          rules: this.rules.digest,
        }),
      )
      .digest('hex');
  }
}

interface AssetGroup {
  members: Asset[];
  /** sha256 over every member's JSON in id order: equal digests, equal assets. */
  digest: string;
}

function digestOfMembers(members: Asset[]): string {
  const hash = createHash('sha256');
  for (const asset of [...members].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    hash.update(JSON.stringify(asset)).update('\n');
  return hash.digest('hex');
}

/** The asset without what only says who it is: what matching reads is all in the rest. */
function signatureOf(asset: Asset): string {
  const { id: _id, name: _name, addresses: _addresses, hostnames: _hostnames, sources: _sources, ...content } = asset;
  return JSON.stringify(content);
}

export function sourceSeqs(bulletin: Bulletin): number[] {
  return [...new Set(bulletin.sources.map((s) => s.eventSeq).filter((seq): seq is number => seq !== undefined))].sort(
    (a, b) => a - b,
  );
}
