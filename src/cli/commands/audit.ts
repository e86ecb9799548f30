/** `patchcall audit verify` (walk the hash chain) and `patchcall audit rebuild` (refill caches from the log). */
import type { Command } from 'commander';
import { rebuildProjections } from '../../app/import-documents';
import { globalOptions, type CliRuntime } from '../cli-io';

export function registerAudit(program: Command, runtime: CliRuntime): void {
  const audit = program.command('audit').description('the tamper-evident event log');

  audit
    .command('verify')
    .description('walk the hash chain: count and head hash, or the first broken link (exit 1)')
    .action((_options: unknown, command: Command) => {
      const global = globalOptions(command);
      const verdict = runtime.open(global).events.verify();
      if (!verdict.ok) runtime.fail(1);
      runtime.print(global, verdict, () =>
        verdict.ok
          ? `chain ok: ${verdict.count} events, head #${verdict.headSeq} ${verdict.headHash}\n`
          : `chain BROKEN at event #${verdict.brokenAt}: ${verdict.problem}\n` +
            (verdict.expected ? `  expected ${verdict.expected}\n  found    ${verdict.found}\n` : '') +
            `  ${verdict.count} events before it verified\n`,
      );
    });

  audit
    .command('rebuild')
    .description('rebuild the lookup tables from the event log (they are caches; the log is the truth)')
    .action((_options: unknown, command: Command) => {
      const global = globalOptions(command);
      const count = rebuildProjections(runtime.open(global));
      runtime.print(global, { replayed: count }, () => `rebuilt lookup tables from ${count} import events\n`);
    });
}
