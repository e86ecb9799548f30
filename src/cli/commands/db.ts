/**
 * `patchcall db migrate | copy | check`: moving an installation from the SQLite file to PostgreSQL and checking
 * either store. The PostgreSQL driver is loaded only by these commands.
 */
import type { Command } from 'commander';
import { PatchcallError } from '../../common/errors';
import { globalOptions, type CliRuntime } from '../cli-io';

export function registerDb(program: Command, runtime: CliRuntime): void {
  const db = program.command('db').description('the store: move a SQLite log to PostgreSQL, check either store');

  db.command('migrate')
    .description('bring the PostgreSQL schema up to date (as the owner role; the application role cannot)')
    .option('--url <postgres url>', 'the database (default: $PATCHCALL_DATABASE_URL)')
    .action(async (options: { url?: string }, command: Command) => {
      const global = globalOptions(command);
      const url = postgresUrl(options.url ?? runtime.config.databaseUrl, '--url or PATCHCALL_DATABASE_URL');
      const { migratePostgresDatabase } = await import('../../app/postgres-store');
      const result = await migratePostgresDatabase(url);
      runtime.print(global, result, () =>
        result.applied.length
          ? `applied migrations ${result.applied.join(', ')}; schema version ${result.version}\n`
          : `schema version ${result.version}: up to date\n`,
      );
    });

  db.command('copy')
    .description(
      'copy the SQLite log (--db or $PATCHCALL_DB) event for event into an empty PostgreSQL log, keeping seq and hashes, then verify the chain there',
    )
    .requiredOption('--to <postgres url>', 'the target database (run as its owner role: the copy migrates it first)')
    .action(async (options: { to: string }, command: Command) => {
      const global = globalOptions(command);
      const url = postgresUrl(options.to, '--to');
      const dbPath = global.db ?? runtime.config.dbPath;
      const { copySqliteLogToPostgres } = await import('../../app/postgres-store');
      const result = await copySqliteLogToPostgres(dbPath, url);
      runtime.print(
        global,
        result,
        () =>
          `copied ${result.copied} events from ${dbPath}\n` +
          `chain ok on the target: ${result.target.ok ? result.target.count : 0} events, head #${result.headSeq} ${result.headHash}\n`,
      );
    });

  db.command('check')
    .description('the schema version and the chain state of the store ($PATCHCALL_DATABASE_URL, else the SQLite file)')
    .option('--url <postgres url>', 'check this PostgreSQL database instead')
    .action(async (options: { url?: string }, command: Command) => {
      const global = globalOptions(command);
      const url = options.url ?? runtime.config.databaseUrl;
      const { checkStore } = await import('../../app/postgres-store');
      const check = await checkStore(
        url ? { url: postgresUrl(url, '--url') } : { dbPath: global.db ?? runtime.config.dbPath },
      );
      const schemaOk = check.schemaVersion === check.knownVersion;
      // warnings (a role that owns the table, say) are the DBA's to judge: a migrating owner has them by design
      if (!check.chain.ok || !schemaOk) runtime.fail(1);
      runtime.print(global, check, () => {
        const lines = [
          `${check.store} ${check.location}${check.serverVersion ? ` (PostgreSQL ${check.serverVersion}, role ${check.role})` : ''}`,
          `schema version ${check.schemaVersion}` +
            (schemaOk ? ' (current)' : `, this patchcall knows ${check.knownVersion}`),
          check.chain.ok
            ? `chain ok: ${check.chain.count} events, head #${check.chain.headSeq} ${check.chain.headHash}`
            : `chain BROKEN at event #${check.chain.brokenAt}: ${check.chain.problem} (${check.chain.count} events before it verified)`,
          ...check.warnings.map((warning) => `warning: ${warning}`),
        ];
        return lines.join('\n') + '\n';
      });
    });
}

function postgresUrl(url: string | undefined, where: string): string {
  if (!url) throw new PatchcallError('USAGE', `a PostgreSQL URL is needed: give ${where}`);
  if (!/^postgres(ql)?:\/\//i.test(url))
    throw new PatchcallError('USAGE', `${where} must be a postgres:// or postgresql:// URL`);
  return url;
}
