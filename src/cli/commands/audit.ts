/** `patchcall audit verify` (the hash chain, an exported record, anchors) and `patchcall audit rebuild`. */
import type { Command } from 'commander';
import type { AnchorCheck } from '../../audit/anchors';
import { describeDifference, type TablesVerdict } from '../../app/lookup-tables';
import { readDocumentFile } from '../../app/read-document';
import { globalOptions, type CliRuntime, type GlobalOptions } from '../cli-io';
import type { ChainVerdict } from '../../audit/hash-chain';
import { verifyExport } from './audit-verify-export';
import type { Patchcall } from '../../app/patchcall';
import type { EventLogVerdict, VerifyEventLogOptions } from '../../app/verify-event-log';
import { isPatchcallError } from '../../common/errors';

interface VerifyOptions {
  export?: string;
  anchors?: string;
  quick?: boolean;
  key?: string;
}

export function registerAudit(program: Command, runtime: CliRuntime): void {
  const audit = program.command('audit').description('the tamper-evident event log');

  audit
    .command('verify')
    .description(
      'walk the hash chain and re-derive every lookup table from it: count and head hash, or what is broken (exit 1)',
    )
    .option('--export <file>', 'verify an exported JSON record on its own, without the database')
    .option('--anchors <file>', 'also compare the database with the anchors in an export of the audit channel')
    .option('--quick', 'only the hash chain (and anchors): skip re-deriving the lookup tables')
    .option(
      '--key <public key>',
      'with --export: the signing public key (base64 or PEM, or a file) that vouches for the record',
    )
    .action(async (options: VerifyOptions, command: Command) => {
      const global = globalOptions(command);
      if (options.export) return verifyExport(runtime, global, options.export, options);
      const {
        chain: verdict,
        tables,
        anchors,
      } = await verifyStore(runtime, global, {
        ...(options.anchors ? { readAnchors: () => readAnchorFile(runtime, options.anchors!) } : {}),
        ...(options.quick ? { quick: true } : {}),
      });
      if (!verdict.ok) runtime.fail(1);
      if (tables && !tables.ok) runtime.fail(1);
      if (anchors && !anchors.ok) runtime.fail(1);
      runtime.print(global, { ...verdict, ...(tables ? { tables } : {}), ...(anchors ? { anchors } : {}) }, () => {
        const lines = describeChain(verdict);
        if (tables) lines.push(...describeTableVerdict(tables));
        if (anchors) lines.push(...describeAnchors(anchors));
        return lines.join('\n') + '\n';
      });
    });

  audit
    .command('rebuild')
    .description('rebuild the lookup tables from the event log (they are caches; the log is the truth)')
    .action(async (_options: unknown, command: Command) => {
      const global = globalOptions(command);
      const count = (await runtime.open(global, 'audit')).rebuildProjections();
      runtime.print(global, { replayed: count }, () => `rebuilt lookup tables from ${count} import events\n`);
    });
}

/**
 * Either store, one report. A replica refuses to follow a PostgreSQL log whose event does not match its hash, so
 * when it cannot open for that reason the chain is walked in PostgreSQL itself to say where it breaks.
 */
async function verifyStore(
  runtime: CliRuntime,
  global: GlobalOptions,
  options: VerifyEventLogOptions,
): Promise<EventLogVerdict> {
  let patchcall: Patchcall;
  try {
    patchcall = await runtime.open(global, 'audit');
  } catch (error) {
    const url = runtime.config.databaseUrl;
    if (!url || !isPatchcallError(error) || error.code !== 'CHAIN_BROKEN') throw error;
    // loaded only here: the SQLite commands do without the PostgreSQL driver
    const { verifyPostgresLog } = await import('../../app/postgres-store');
    const { chain } = await verifyPostgresLog(url);
    if (chain.ok) throw error;
    return { chain };
  }
  return patchcall.verifyEventLog(options);
}

function describeChain(verdict: ChainVerdict): string[] {
  return verdict.ok
    ? [`chain ok: ${verdict.count} events, head #${verdict.headSeq} ${verdict.headHash}`]
    : [
        `chain BROKEN at event #${verdict.brokenAt}: ${verdict.problem}`,
        ...(verdict.expected ? [`  expected ${verdict.expected}`, `  found    ${verdict.found}`] : []),
        `  ${verdict.count} events before it verified`,
      ];
}

/** A conversations.history export (JSON) or plain text with one anchor per line. */
function readAnchorFile(runtime: CliRuntime, file: string): unknown {
  const { doc } = readDocumentFile(file, runtime.config.maxInputBytes);
  return doc.json ?? doc.text;
}

function describeTableVerdict(tables: TablesVerdict): string[] {
  if (tables.ok) return [`tables ok: ${tables.checked} lookup tables match the log`];
  return [
    'tables DIFFER from the log (answers read from them cannot be trusted; run `patchcall audit rebuild`):',
    ...tables.differences.map((difference) => `  ${describeDifference(difference)}`),
    ...tables.recorded.map((problem) => `  ${problem.table}: ${problem.problem}`),
  ];
}

function describeAnchors(anchors: AnchorCheck): string[] {
  if (!anchors.ok) return [`anchors MISMATCH: ${anchors.problem}`];
  return [
    `anchors ok: ${anchors.checked} anchor${anchors.checked === 1 ? '' : 's'} match (newest: event #${anchors.newest.seq})`,
    anchors.unwitnessed
      ? `not yet witnessed: events #${anchors.unwitnessed.fromSeq}-#${anchors.unwitnessed.toSeq} (${anchors.unwitnessed.count}) lie after the newest anchor`
      : 'every event is witnessed: the newest anchor is the head',
  ];
}
