/** Delivers "documents were imported through ingest" to the listeners the product registered (ImportHooks). */
import type { ImportOutcome } from '../../app/import-documents';
import type { Logger } from '../../logging/logger';
import type { ImportHooks, ImportListener } from '../slack-deps';

export class ImportNotifier implements ImportHooks {
  private readonly listeners: ImportListener[] = [];

  constructor(private readonly logger: Logger) {}

  onImported(listener: ImportListener): void {
    this.listeners.push(listener);
  }

  /** Runs every listener when something new was stored; a failing listener is logged and does not stop the others. */
  async notify(outcomes: ImportOutcome[], source: { actor: string }): Promise<void> {
    if (!outcomes.some((o) => o.status === 'imported')) return;
    await Promise.all(
      this.listeners.map(async (listener) => {
        try {
          await listener(outcomes, source);
        } catch (error) {
          this.logger.error(
            { err: (error as Error).message, documents: outcomes.map((o) => o.document) },
            'an import listener failed',
          );
        }
      }),
    );
  }
}
