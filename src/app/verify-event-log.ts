/**
 * `patchcall audit verify`: the hash chain of the whole log and, when an export of the audit channel is given, its
 * anchors. An exported record on its own, without the database, is ./verify-record.ts.
 */
import { checkAnchors, parseAnchors, type AnchorCheck } from '../audit/anchors';
import type { ChainVerdict } from '../audit/hash-chain';
import type { AppContext } from './app-context';

/** Walks the hash chain; only when it holds are the anchors (read through `readAnchors`) compared with the log. */
export function verifyEventLog(
  ctx: AppContext,
  readAnchors?: () => unknown,
): { chain: ChainVerdict; anchors?: AnchorCheck } {
  const chain = ctx.events.verify();
  if (!readAnchors || !chain.ok) return { chain };
  return { chain, anchors: checkAnchors(parseAnchors(readAnchors()), (seq) => ctx.events.hashAt(seq)) };
}
