/**
 * The asset changes a `decision.facts-changed` event lists. A scan of 100,000 hosts changes every one of them (each is
 * unknown for an application bulletin: a scan is not a software inventory), and the event would carry them all. It
 * lists the first ones (worse first, as the comparison orders them) and counts the rest by the match they have now,
 * so how many became unknown, never safe, is still said; why each is unknown stays in the assessment's summary.
 * The event's key, summary and notice are taken from every change before this cut.
 */
import type { AssessmentChanges } from '../risk/assessment-changes';
import type { FactsChangedPayload } from './living-decision';

export const LISTED_ASSET_CHANGES = 50;

export function listedChanges(changes: AssessmentChanges): Pick<FactsChangedPayload, 'changes' | 'changesNotListed'> {
  if (changes.assets.length <= LISTED_ASSET_CHANGES) return { changes };
  const left = changes.assets.slice(LISTED_ASSET_CHANGES);
  const byMatch: Record<string, number> = {};
  for (const asset of left) byMatch[asset.after.match] = (byMatch[asset.after.match] ?? 0) + 1;
  return {
    changes: { ...changes, assets: changes.assets.slice(0, LISTED_ASSET_CHANGES) },
    changesNotListed: { count: left.length, byMatch },
  };
}
