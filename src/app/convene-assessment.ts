/**
 * SEAM: the assessment a decision is convened on. It becomes `assessBulletin(ctx, bulletinId, now)` from
 * src/app/assess-bulletin.ts (the risk engineer's) once that lands; until then convening says so plainly.
 * Tests pass their own assessment to registerListeners.
 */
import { PatchcallError } from '../common/errors';
import type { AssessFn } from './convene-decision';

export const assessForDecision: AssessFn = async (_ctx, bulletinId) => {
  throw new PatchcallError('INTERNAL', `cannot assess ${bulletinId}: the risk assessment (src/app/assess-bulletin.ts) is not available in this build yet`);
};
