/** `patchcall audit verify` (the hash chain, an exported record, anchors) and `patchcall audit rebuild`. */
import type { Command } from 'commander';
import { readDocumentFile } from '../../app/read-document';
import { globalOptions, type CliRuntime } from '../cli-io';
import { verifyExport } from './audit-verify-export';

interface VerifyOptions {
  export?: string;
  anchors?: string;
  key?: string;
}

export function registerAudit(program: Command, runtime: CliRuntime): void {
  const audit = program.command('audit').description('the tamper-evident event log');

  audit
    .command('verify')
    .description('walk the hash chain: count and head hash, or the first broken link (exit 1)')
    .option('--export <file>', 'verify an exported JSON record on its own, without the database')
    .option('--anchors <file>', 'also compare the database with the anchors in an export of the audit channel')
    .option(
      '--key <public key>',
      'with --export: the signing public key (base64 or PEM, or a file) that vouches for the record',
    )
    .action((options: VerifyOptions, command: Command) => {
      const global = globalOptions(command);
      if (options.export) return verifyExport(runtime, global, options.export, options);
      const { chain: verdict, anchors } = runtime
        .open(global)
        .verifyEventLog(options.anchors ? () => readAnchorFile(runtime, options.anchors!) : undefined);
      if (!verdict.ok) runtime.fail(1);
      if (anchors && !anchors.ok) runtime.fail(1);
      runtime.print(global, { ...verdict, ...(anchors ? { anchors } : {}) }, () => {
        const lines = verdict.ok
          ? [`chain ok: ${verdict.count} events, head #${verdict.headSeq} ${verdict.headHash}`]
          : [
              `chain BROKEN at event #${verdict.brokenAt}: ${verdict.problem}`,
              ...(verdict.expected ? [`  expected ${verdict.expected}`, `  found    ${verdict.found}`] : []),
              `  ${verdict.count} events before it verified`,
            ];
        if (anchors) {
          lines.push(
            anchors.ok
              ? `anchors ok: ${anchors.checked} anchor${anchors.checked === 1 ? '' : 's'} match${anchors.newest ? ` (newest: event #${anchors.newest.seq})` : ''}`
              : `anchors MISMATCH: ${anchors.problem}`,
          );
        }
        return lines.join('\n') + '\n';
      });
    });

  audit
    .command('rebuild')
    .description('rebuild the lookup tables from the event log (they are caches; the log is the truth)')
    .action((_options: unknown, command: Command) => {
      const global = globalOptions(command);
      const count = runtime.open(global).rebuildProjections();
      runtime.print(global, { replayed: count }, () => `rebuilt lookup tables from ${count} import events\n`);
    });
}

/** A conversations.history export (JSON) or plain text with one anchor per line. */
function readAnchorFile(runtime: CliRuntime, file: string): unknown {
  const { doc } = readDocumentFile(file, runtime.config.maxInputBytes);
  return doc.json ?? doc.text;
}
