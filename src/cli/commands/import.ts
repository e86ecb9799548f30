/** `patchcall import <file…>`: bring advisories (and later inventory and firewall files) into the event log. */
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { importDocuments, type ImportInput, type ImportProgress } from '../../app/import-documents';
import { formatNames } from '../../app/formats';
import { readDocumentFile } from '../../app/read-document';
import { globalOptions, type CliRuntime } from '../cli-io';

export function registerImport(program: Command, runtime: CliRuntime): void {
  program
    .command('import')
    .description('import files; all are stored or none is')
    .argument('<files...>', 'files to import (format detected from content)')
    .option('--format <name>', `force the format: ${formatNames().join(', ')}`)
    .action((files: string[], options: { format?: string }, command: Command) => {
      const global = globalOptions(command);
      const progress = progressBar(runtime, files.length);
      const inputs: ImportInput[] = files.map((file) => readDocumentFile(file, runtime.config.maxInputBytes));
      const ctx = runtime.open(global, 'write');
      try {
        const outcomes = importDocuments(ctx, inputs, {
          format: options.format,
          actor: `cli:${runtime.io.user}`,
          onProgress: progress?.update,
        });
        runtime.print(global, { imported: outcomes }, () =>
          outcomes
            .map((o) =>
              o.status === 'unchanged'
                ? `${o.document}: already imported (event ${o.eventSeq}), nothing new\n`
                : `${o.document}: ${o.format}, ${o.summary} (event ${o.eventSeq})\n`,
            )
            .join(''),
        );
      } finally {
        progress?.stop();
      }
    });
}

/** A progress bar on a terminal; none when output is piped or in CI. */
function progressBar(runtime: CliRuntime, files: number): { update: ImportProgress; stop: () => void } | undefined {
  if (!runtime.io.interactive) return undefined;
  const bar = new SingleBar({
    format: '{stage} [{bar}] {value}/{total}',
    clearOnComplete: true,
    stream: process.stderr,
  });
  let started = false;
  return {
    update: (stage, done, total) => {
      if (!started) {
        bar.start(total || files, 0, { stage });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { stage });
    },
    stop: () => started && bar.stop(),
  };
}
