/** A bulletin that arrives through ingest convenes by itself when it is out-of-cycle and affects an asset. */
import { conveneArrivals } from '../../app/convene-decision';
import type { DecisionServices } from './decision-services';

export function registerImportHook(services: DecisionServices): void {
  const { deps, gateway, assess } = services;
  deps.imports.onImported(async (outcomes, source) => {
    await conveneArrivals(deps.ctx, gateway, {
      outcomes,
      actor: source.actor,
      trigger: 'import',
      now: deps.now(),
      assess,
    });
  });
}
