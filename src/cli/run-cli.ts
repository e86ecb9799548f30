/** The `patchcall` command line: parses arguments, runs one command, maps errors to exit codes. */
import { Command, CommanderError } from 'commander';
import { openChosenStore } from '../app/open-store';
import { isPatchcallError, PatchcallError } from '../common/errors';
import { readIsoDate } from '../common/dates';
import { clockOptions } from '../common/simulated-clock';
import { utcTimeReplacer } from '../common/time-format';
import { readConfig } from '../config';
import type { CliIo, CliRuntime, GlobalOptions } from './cli-io';
import { registerImport } from './commands/import';
import { registerBulletins } from './commands/bulletins';
import { registerAudit } from './commands/audit';
import { registerAssets } from './commands/assets';
import { registerExposure } from './commands/exposure';
import { registerAssess } from './commands/assess';
import { registerRules } from './commands/rules';
import { registerWatch } from './commands/watch';
import { registerExport } from './commands/export';
import { registerDecisions } from './commands/decisions';
import { textStyle } from './output';
import { versionInfo } from '../app/version-info';
import { registerDb } from './commands/db';

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const closers: (() => Promise<void>)[] = [];
  try {
    const config = readConfig(io.env);
    const runtime: CliRuntime = {
      io,
      config,
      async open(options, access = 'read') {
        // --at names one moment; PATCHCALL_CLOCK (a rehearsal) starts when the command does and runs at its speed
        const { clock: simulated, rehearsal } = clockOptions(config);
        const clock = options.at ? fixedClock(options.at) : (simulated ?? io.clock);
        const storeOptions = {
          dbPath: options.db ?? config.dbPath,
          rulesDir: config.rulesDir,
          busyTimeoutMs: config.busyTimeoutMs,
          ...(config.signingKeyPath ? { signingKeyPath: config.signingKeyPath } : {}),
          ...(clock ? { clock } : {}),
          ...(options.at ? { asOf: clock!() } : {}),
          rehearsal,
        };
        const { patchcall, close } = await openChosenStore({
          ...storeOptions,
          ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
          ...(config.replicaCache ? { replicaCache: config.replicaCache } : {}),
          mustExist: access !== 'write',
          checkTables: access === 'read',
        });
        closers.push(close);
        return patchcall;
      },
      print(options, json, human) {
        io.stdout(options.json ? JSON.stringify(json, utcTimeReplacer, 2) + '\n' : human());
      },
      fail(code) {
        exitCode = Math.max(exitCode, code);
      },
      style(options) {
        return textStyle(io, options);
      },
    };
    const program = buildProgram(runtime);
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    exitCode = reportError(error, io, argv.includes('--json'));
  } finally {
    for (const close of closers) await close();
  }
  return exitCode;
}

function buildProgram(runtime: CliRuntime): Command {
  const program = new Command('patchcall')
    .description('A fast, accountable call on an out-of-cycle security patch')
    .option('--db <path>', 'SQLite database file (default: $PATCHCALL_DB or ./data/patchcall.db)')
    .option('--json', 'machine-readable output')
    .option('--at <time>', 'act as of this ISO 8601 time (assess and export read the clock), e.g. 2008-10-23T18:30:00Z')
    .option('--color [when]', 'colour: always, never or auto (default: on a terminal, unless NO_COLOR is set)')
    .option('--no-color', 'no colour')
    .option('--version', 'print the version, the schema version and the rulebook digest')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: runtime.io.stdout, writeErr: runtime.io.stderr });
  registerImport(program, runtime);
  registerBulletins(program, runtime);
  registerAssets(program, runtime);
  registerExposure(program, runtime);
  registerAssess(program, runtime);
  registerRules(program, runtime);
  registerWatch(program, runtime);
  registerExport(program, runtime);
  registerAudit(program, runtime);
  registerDecisions(program, runtime);
  registerDb(program, runtime);
  program.allowExcessArguments(true).action((options: GlobalOptions & { version?: boolean }) => {
    if (program.args.length)
      throw new PatchcallError('USAGE', `unknown command "${program.args[0]}" (patchcall --help lists the commands)`);
    if (!options.version) {
      program.help({ error: true });
      return;
    }
    const info = versionInfo(runtime.config.rulesDir);
    runtime.print(
      options,
      info,
      () =>
        [
          `patchcall ${info.version}`,
          `schema version ${info.schemaVersion}`,
          info.rulebookDigest
            ? `rulebook sha256 ${info.rulebookDigest} (${info.rulesDir})`
            : `rulebook not usable (${info.rulesDir}):\n${info.rulebookProblems.map((p) => `  ${p}`).join('\n')}`,
        ].join('\n') + '\n',
    );
  });
  return program;
}

function fixedClock(at: string): () => Date {
  const reading = readIsoDate(at);
  if (!reading.ok) throw new PatchcallError('USAGE', `--at: ${reading.problem}`);
  const moment = new Date(reading.iso);
  return () => moment;
}

function reportError(error: unknown, io: CliIo, json: boolean): number {
  if (error instanceof CommanderError) {
    // help and version are "errors" to commander but successes to the user
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    )
      return 0;
    return 2;
  }
  // bad input, usage or an unusable --db is the user's to fix (2); anything else, an unreachable server included, is a failure (1)
  const code =
    isPatchcallError(error) && (error.code === 'BAD_INPUT' || error.code === 'USAGE' || error.code === 'BAD_DATABASE')
      ? 2
      : 1;
  const message = isPatchcallError(error)
    ? error.message
    : `internal error: ${(error as Error)?.message ?? String(error)}`;
  if (json)
    io.stdout(
      JSON.stringify({ error: { code: isPatchcallError(error) ? error.code : 'INTERNAL', message } }, null, 2) + '\n',
    );
  io.stderr(`patchcall: ${message}\n`);
  return code;
}
