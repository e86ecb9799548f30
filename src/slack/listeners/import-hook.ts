/** A bulletin that arrives through ingest convenes by itself when it is out-of-cycle and affects an asset. */
import type { DecisionServices } from './decision-services';

export function registerImportHook(services: DecisionServices): void {
  const { deps } = services;
  deps.imports.onImported(async (outcomes, source) => {
    await deps.patchcall.conveneArrivals(deps.membership, {
      outcomes,
      actor: source.actor,
      trigger: 'import',
      now: deps.now(),
    });
    deps.outbox.reconcile();
  });
}
