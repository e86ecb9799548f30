/** `assess` as a use case: the bulletin, its asset matches and their exposure from the store, through the rulebook. */
import { assess } from '../risk/assess';
import type { Assessment } from '../risk/model';
import type { FactOverrides } from '../risk/risk-facts';
import type { AppContext } from './app-context';
import { assetMatches } from './asset-queries';
import { loadBulletin } from './bulletin-queries';
import { exposureOfMatches } from './exposure-queries';

export interface AssessOptions {
  /** What-if blocks in `patchcall exposure --block` syntax: their effect feeds the mitigation step. */
  blocks?: string[];
  overrides?: FactOverrides;
  /** Count deadlines from here, not from now: a decision assessed again keeps its convening time. */
  deadlineAnchor?: Date | string;
}

export async function assessBulletin(
  ctx: AppContext,
  bulletinId: string,
  options: AssessOptions = {},
): Promise<Assessment> {
  const rules = ctx.rules;
  const rulebook = await rules.rulebook();
  const bulletin = loadBulletin(ctx, bulletinId);
  const matches = assetMatches(ctx, bulletin, rules);
  const report = exposureOfMatches(ctx, bulletin, matches, {
    ...(options.blocks?.length ? { blocks: options.blocks } : {}),
    rules,
  });
  const exposures = report.assets.flatMap((a) => (a.exposure ? [a.exposure] : []));
  const after = report.assets.flatMap((a) => (a.whatIf ? [a.whatIf.after] : []));
  return assess({
    bulletin,
    matches,
    exposures,
    rulebook,
    now: ctx.clock(),
    ...(after.length ? { exposureAfterMitigation: after } : {}),
    ...(options.overrides ? { overrides: options.overrides } : {}),
    ...(options.deadlineAnchor !== undefined ? { deadlineAnchor: options.deadlineAnchor } : {}),
  });
}
