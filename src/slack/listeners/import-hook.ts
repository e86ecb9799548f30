/** A bulletin that arrives through ingest convenes by itself when it is out-of-cycle and affects an asset. */
import { conveneDecision, shouldConveneOnArrival } from '../../app/convene-decision';
import { SOURCE_IMPORTED, type ImportOutcome, type SourceImportedPayload } from '../../app/import-documents';
import type { DecisionServices } from './decision-services';

export function registerImportHook(services: DecisionServices): void {
  services.deps.imports.onImported(async (outcomes, source) => {
    await conveneArrivals(services, outcomes, source.actor);
  });
}

export async function conveneArrivals(
  services: DecisionServices,
  outcomes: ImportOutcome[],
  actor: string,
  trigger: 'import' | 'new-bulletin' = 'import',
): Promise<string[]> {
  const { ctx } = services.deps;
  const ids = outcomes
    .filter((o) => o.status === 'imported' && o.kind === 'bulletins')
    .flatMap((o) => {
      const event = ctx.events.first<SourceImportedPayload>({ afterSeq: o.eventSeq - 1, type: SOURCE_IMPORTED });
      return event?.seq === o.eventSeq && event.payload.batch.kind === 'bulletins'
        ? event.payload.batch.advisories.map((a) => a.id)
        : [];
    });
  const convened: string[] = [];
  for (const id of new Set(ids)) {
    if (!shouldConveneOnArrival(ctx, id)) continue;
    const result = await conveneDecision(ctx, services.deps.membership, {
      bulletinId: id,
      actor,
      trigger,
      now: services.deps.now(),
      assess: services.assess,
    });
    services.deps.outbox.nudge(result.state.id);
    if (result.status === 'convened') convened.push(result.state.channelName!);
  }
  return convened;
}
