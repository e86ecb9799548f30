/**
 * `patchcall audit verify`: the hash chain of the whole log, the lookup tables re-derived from it and, when an
 * export of the audit channel is given, its anchors. An exported record on its own, without the database, is
 * ./verify-record.ts.
 */
import { checkAnchors, parseAnchors, type AnchorCheck } from '../audit/anchors';
import type { ChainVerdict } from '../audit/hash-chain';
import { verifyLogInParallel } from '../store/verify-log-parallel';
import type { AppContext } from './app-context-type';
import { verifyLookupTables, type TablesVerdict } from './lookup-tables';
import type { ReplicaPort } from './replica-write';

export interface VerifyEventLogOptions {
  /** Reads the export of the audit channel whose anchors are compared with the log. */
  readAnchors?: () => unknown;
  /** Only the chain (and anchors): the lookup tables are not re-derived. */
  quick?: boolean;
}

export interface EventLogVerdict {
  chain: ChainVerdict;
  tables?: TablesVerdict;
  anchors?: AnchorCheck;
}

/** Walks the hash chain; only when it holds are the lookup tables re-derived and the anchors compared with the log. */
export async function verifyEventLog(ctx: AppContext, options: VerifyEventLogOptions = {}): Promise<EventLogVerdict> {
  if (ctx.replica) return verifyReplicaLog(ctx, ctx.replica, options);
  // a database file is walked in worker threads; an in-memory one (tests) only by this connection
  const chain = ctx.db.memory ? ctx.events.verify() : await verifyLogInParallel(ctx.db.name);
  if (!chain.ok) return { chain };
  const tables = options.quick ? undefined : verifyLookupTables(ctx);
  const anchors = options.readAnchors
    ? checkAnchors(parseAnchors(options.readAnchors()), (seq) => ctx.events.hashAt(seq), chain.headSeq)
    : undefined;
  return { chain, ...(tables ? { tables } : {}), ...(anchors ? { anchors } : {}) };
}

/**
 * The same on a PostgreSQL replica: the chain walked in PostgreSQL (the truth), the lookup tables of this replica's
 * copy re-derived from its log (which holds PostgreSQL's events, each checked against its hash as it came in), and
 * the anchors compared with PostgreSQL's hashes.
 */
async function verifyReplicaLog(
  ctx: AppContext,
  replica: ReplicaPort,
  options: VerifyEventLogOptions,
): Promise<EventLogVerdict> {
  const chain = await replica.verifyShared();
  if (!chain.ok) return { chain };
  const tables = options.quick ? undefined : verifyLookupTables(ctx);
  let anchors: AnchorCheck | undefined;
  if (options.readAnchors) {
    const parsed = parseAnchors(options.readAnchors());
    const hashes = await replica.sharedHashes(parsed.map((anchor) => anchor.seq));
    anchors = checkAnchors(parsed, (seq) => hashes.get(seq), chain.headSeq);
  }
  return { chain, ...(tables ? { tables } : {}), ...(anchors ? { anchors } : {}) };
}
