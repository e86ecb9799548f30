/**
 * Which decisions an inventory change can concern, without matching every asset against every bulletin: assets
 * with the same content apart from who they are (id, name, addresses, sources) get the same match, so one
 * representative per content is matched. A decision's relevant assets are those not plainly unaffected (affected,
 * unknown, patched); their fingerprint (the whole asset, criticality and all) says whether the inventory moved for
 * that decision. The fingerprints of the last re-assessment are kept in memory only: after a restart every decision
 * is assessed again once, so this can only spare work, never skip a change.
 */
import { createHash } from 'node:crypto';
import type { Bulletin } from '../bulletins/model';
import { matchAssets } from '../inventory/match-assets';
import type { Asset } from '../inventory/model';
import type { AppContext } from './app-context';
import { listAssets } from './asset-queries';

export class RelevantAssets {
  private readonly bySignature = new Map<string, Asset[]>();

  constructor(
    private readonly ctx: AppContext,
    assets: Asset[] = listAssets(ctx),
  ) {
    for (const asset of assets) {
      const signature = signatureOf(asset);
      const group = this.bySignature.get(signature);
      if (group) group.push(asset);
      else this.bySignature.set(signature, [asset]);
    }
  }

  /** sha256 over the assets the bulletin does not plainly leave alone, in id order. */
  fingerprint(bulletin: Bulletin): string {
    const representatives = [...this.bySignature.values()].map((group) => group[0]!);
    const matches = matchAssets(bulletin, representatives, { names: this.ctx.rules.get('names') });
    const relevant = [...this.bySignature.values()]
      .filter((_, i) => matches[i]!.status !== 'not_affected')
      .flat()
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const hash = createHash('sha256');
    for (const asset of relevant) hash.update(JSON.stringify(asset)).update('\n');
    return hash.digest('hex');
  }
}

/** The asset without what only says who it is: what matching reads is all in the rest. */
function signatureOf(asset: Asset): string {
  const { id: _id, name: _name, addresses: _addresses, hostnames: _hostnames, sources: _sources, ...content } = asset;
  return JSON.stringify(content);
}

/** Per context: each decision's inventory fingerprint when it was last assessed again. */
export const lastFingerprints = new WeakMap<AppContext, Map<string, string>>();
