/**
 * The one place that chooses the store (the CLI and the Slack app both open it here): PATCHCALL_DATABASE_URL makes
 * this process a replica on PostgreSQL (src/app/replica-patchcall.ts), otherwise the SQLite file as always. The
 * PostgreSQL driver is loaded only when the URL is set, so the SQLite commands never load it.
 */
import type { OpenAppContextOptions } from './app-context';
import { openPatchcall, type Patchcall, type PatchcallOptions } from './patchcall';

export interface ChosenStoreOptions extends OpenAppContextOptions, PatchcallOptions {
  /** PATCHCALL_DATABASE_URL: a postgres:// URL, or unset for the SQLite file `dbPath`. */
  databaseUrl?: string;
  /** PATCHCALL_REPLICA_CACHE: on PostgreSQL, the replica's local copy of the log (default: a temp file). */
  replicaCache?: string;
  /** On PostgreSQL, told when following the log fails. */
  onError?: (error: unknown) => void;
}

export interface ChosenStore {
  patchcall: Patchcall;
  store: 'sqlite' | 'postgres';
  /** Closes the store (on PostgreSQL: stops following, deletes a temp copy). */
  close(): Promise<void>;
}

export async function openChosenStore(options: ChosenStoreOptions): Promise<ChosenStore> {
  const { databaseUrl, replicaCache, onError, mustExist, checkTables, ...common } = options;
  if (!databaseUrl) {
    const patchcall = openPatchcall({
      ...common,
      ...(mustExist !== undefined ? { mustExist } : {}),
      ...(checkTables !== undefined ? { checkTables } : {}),
    });
    return { patchcall, store: 'sqlite', close: async () => patchcall.close() };
  }
  // the copy is made or caught up at open (mustExist concerns a SQLite file); its tables are checked like the file's,
  // except by the commands that report or repair them
  const { openReplicaPatchcall } = await import('./replica-patchcall');
  const replica = await openReplicaPatchcall({
    ...common,
    ...(checkTables !== undefined ? { checkTables } : {}),
    url: databaseUrl,
    ...(replicaCache ? { cachePath: replicaCache } : {}),
    ...(onError ? { onError } : {}),
  });
  return { patchcall: replica.patchcall, store: 'postgres', close: replica.close };
}
