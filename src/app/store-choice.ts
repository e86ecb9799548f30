/** Which store a command runs on. Kept free of `pg`, so that the SQLite commands do not load it. */
import { PatchcallError } from '../common/errors';

/**
 * A CLI command not yet routed through a replica refuses PATCHCALL_DATABASE_URL rather than quietly using the SQLite
 * file: answers from a store other than the one the operator chose would be confidently wrong.
 */
export function refuseStoreNotYetOnPostgres(what: string): never {
  throw new PatchcallError(
    'CONFIG',
    `PATCHCALL_DATABASE_URL selects PostgreSQL, where the Slack app (npm start), the db commands, audit verify, import, ` +
      `watch and the commands that read run; ${what} still needs the SQLite database: unset PATCHCALL_DATABASE_URL to use it`,
  );
}
