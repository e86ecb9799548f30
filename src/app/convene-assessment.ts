/** The assessment a decision is convened on: the risk check of the bulletin against today's inputs (its clock is ctx's). */
import { assessBulletin } from './assess-bulletin';
import type { AssessFn } from './convene-decision';

export const assessForDecision: AssessFn = (ctx, bulletinId, _now, options) => assessBulletin(ctx, bulletinId, options);
