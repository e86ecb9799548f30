/** `patchcall import <file…>`: bring advisories (and later inventory and firewall files) into the event log. */
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import type { ImportInput, ImportProgress } from '../../app/import-documents';
import { formatNames } from '../../app/formats';
import { readDocumentFile, sniffDocument } from '../../app/read-document';
import { InputError, PatchcallError } from '../../common/errors';
import { globalOptions, type CliRuntime } from '../cli-io';
import { dateOrderOfLocale } from '../../app/contract';

export function registerImport(program: Command, runtime: CliRuntime): void {
  program
    .command('import')
    .description('import files; all are stored or none is')
    .argument('<files...>', 'files to import (format detected from content); - reads standard input')
    .option('--format <name>', `force the format: ${formatNames().join(', ')}`)
    .option(
      '--name <filter>',
      'name the firewall these files hold (the name the network description uses), whatever the files are called',
    )
    .option(
      '--asset <name>',
      'the asset a host-less inventory describes (an SBOM, osqueryi output); overrides the file',
    )
    .option('--locale <tag>', 'the locale dates were exported in, e.g. en-US or de-DE (Get-HotFix InstalledOn)')
    .action(
      async (
        files: string[],
        options: { format?: string; name?: string; asset?: string; locale?: string },
        command: Command,
      ) => {
        const global = globalOptions(command);
        if (options.locale && !dateOrderOfLocale(options.locale))
          throw new PatchcallError(
            'USAGE',
            `--locale: "${options.locale}" is not a locale this system knows (e.g. en-US, de-DE)`,
          );
        if (files.filter((f) => f === '-').length > 1)
          throw new PatchcallError('USAGE', 'standard input (-) can be read only once');
        const progress = progressBar(runtime, files.length);
        const inputs: ImportInput[] = [];
        for (const file of files)
          inputs.push(file === '-' ? await readStdin(runtime) : readDocumentFile(file, runtime.config.maxInputBytes));
        const patchcall = await runtime.open(global, 'write');
        try {
          const outcomes = await patchcall.importDocuments(inputs, {
            format: options.format,
            ...(options.asset ? { asset: options.asset } : {}),
            ...(options.locale ? { locale: options.locale } : {}),
            actor: `cli:${runtime.io.user}`,
            onProgress: progress?.update,
            ...(options.name !== undefined ? { name: options.name } : {}),
          });
          const reassessed = await patchcall.reassessAfterImport(outcomes, `cli:${runtime.io.user}`);
          const decisions = (reassessed?.outcomes ?? []).filter(
            (o) => o.result !== 'unaffected' && o.result !== 'unchanged',
          );
          runtime.print(
            global,
            { imported: outcomes, decisions },
            () =>
              outcomes
                .map(
                  (o) =>
                    (o.status === 'unchanged'
                      ? `${o.document}: already imported (event ${o.eventSeq}), nothing new\n`
                      : `${o.document}: ${o.format}, ${o.summary} (event ${o.eventSeq})\n`) +
                    o.warnings.map((w) => `  warning: ${w}\n`).join(''),
                )
                .join('') +
              decisions.map((d) => `decision ${d.decisionId}: ${d.result}: ${d.summary ?? ''}\n`).join(''),
          );
        } finally {
          progress?.stop();
        }
      },
    );
}

/** `-`: the whole of standard input, named "stdin" in messages and in the log. */
async function readStdin(runtime: CliRuntime): Promise<ImportInput> {
  if (!runtime.io.readStdin) throw new PatchcallError('USAGE', 'standard input cannot be read here');
  const bytes = await runtime.io.readStdin();
  if (bytes.length > runtime.config.maxInputBytes)
    throw new InputError(STDIN_NAME, 'over the import limit (set PATCHCALL_MAX_INPUT_MB to raise it)');
  return { doc: sniffDocument(STDIN_NAME, bytes, runtime.config.maxInputBytes), bytes };
}

const STDIN_NAME = 'stdin';

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
