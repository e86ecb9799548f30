/**
 * A bulletin that arrives through ingest convenes by itself when it is out-of-cycle and affects an asset; every
 * import re-assesses the decisions under way whose inputs it moved.
 */
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
    // the decisions already under way hear what the new data changes for them
    const reassessed = await deps.patchcall.reassessAfterImport(outcomes, source.actor);
    for (const id of reassessed?.touched ?? []) deps.outbox.nudge(id);
    deps.outbox.reconcile();
  });
}
