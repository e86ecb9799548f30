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
import type { Asset, AssetMatch } from '../inventory/model';
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
  /** One bulletin at a time: a run looks at one decision after another, and 200 estates' matches would not fit. */
  private representatives?: { key: string; matches: AssetMatch[] };
  private matched?: { key: string; matches: AssetMatch[] };
  private readonly exposures = new WeakMap<AssetMatch[], unknown>();

  constructor(
    private readonly ctx: AppContext,
    readonly assets: Asset[] = listAssets(ctx),
  ) {
    this.rules = ctx.rules;
    this.exposureInputsHash = exposureInputsDigest(ctx.db);
    const bySignature = new Map<string, Asset[]>();
    const indices = new Map<string, number[]>();
    assets.forEach((asset, index) => {
      const signature = signatureOf(asset);
      const group = bySignature.get(signature);
      if (group) {
        group.push(asset);
        indices.get(signature)!.push(index);
      } else {
        bySignature.set(signature, [asset]);
        indices.set(signature, [index]);
      }
    });
    for (const [signature, members] of bySignature)
      this.groups.push({ members, indices: indices.get(signature)!, digest: digestOfMembers(members) });
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
    const matches = this.representativeMatches(bulletin);
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

  /**
   * The context a run's steps share: the assets read once, each bulletin matched once (the representatives the
   * fingerprint matched are not matched again) and its exposure computed once.
   */
  context(): AppContext {
    return Object.create(this.ctx, {
      loadedAssets: { value: this.assets },
      sharedMatches: { value: (bulletin: Bulletin, rules: RulesFolder) => this.matchesOf(bulletin, rules) },
      sharedExposure: {
        value: <T>(matches: AssetMatch[], rules: RulesFolder, compute: () => T): T => {
          if (rules !== this.rules) return compute();
          if (!this.exposures.has(matches)) this.exposures.set(matches, compute());
          return this.exposures.get(matches) as T;
        },
      },
    }) as AppContext;
  }

  /** Every asset against the bulletin, in the order read; undefined for other rules than the run's. */
  private matchesOf(bulletin: Bulletin, rules: RulesFolder): AssetMatch[] | undefined {
    if (rules !== this.rules) return undefined;
    const key = keyOf(bulletin);
    if (this.matched?.key === key) return this.matched.matches;
    const representatives = this.representativeMatches(bulletin);
    const rest = this.groups.flatMap((g) => g.indices.slice(1));
    const restMatches = matchAssets(
      bulletin,
      rest.map((i) => this.assets[i]!),
      { names: this.rules.get('names') },
    );
    const matches: AssetMatch[] = new Array<AssetMatch>(this.assets.length);
    this.groups.forEach((g, i) => (matches[g.indices[0]!] = representatives[i]!));
    rest.forEach((index, i) => (matches[index] = restMatches[i]!));
    this.matched = { key, matches };
    return matches;
  }

  /** The first member of each group against the bulletin: what the fingerprint needs. */
  private representativeMatches(bulletin: Bulletin): AssetMatch[] {
    const key = keyOf(bulletin);
    if (this.representatives?.key === key) return this.representatives.matches;
    const matches = matchAssets(
      bulletin,
      this.groups.map((g) => g.members[0]!),
      { names: this.rules.get('names') },
    );
    this.representatives = { key, matches };
    return matches;
  }
}

/** A bulletin as merged: its id and the events it was merged from. */
function keyOf(bulletin: Bulletin): string {
  return `${bulletin.id}\n${sourceSeqs(bulletin).join(',')}`;
}

interface AssetGroup {
  members: Asset[];
  /** Where each member is in the assets read. */
  indices: number[];
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
