/**
 * `patchcall audit verify`: the hash chain of the whole log and, when an export of the audit channel is given, its
 * anchors; or an exported record on its own, without the database.
 */
import { checkAnchors, parseAnchors, type AnchorCheck } from '../audit/anchors';
import { verifyExportedRecord } from '../audit/verify-exported-record';
import type { ChainVerdict } from '../audit/hash-chain';
import type { AppContext } from './app-context';
import { readDocumentFile } from './read-document';

/** Walks the hash chain; only when it holds are the anchors (read through `readAnchors`) compared with the log. */
export function verifyEventLog(
  ctx: AppContext,
  readAnchors?: () => unknown,
): { chain: ChainVerdict; anchors?: AnchorCheck } {
  const chain = ctx.events.verify();
  if (!readAnchors || !chain.ok) return { chain };
  return { chain, anchors: checkAnchors(parseAnchors(readAnchors()), (seq) => ctx.events.hashAt(seq)) };
}

/** An exported JSON record checked on its own: its events, their hashes and their place in the chain. */
export function verifyRecordFile(path: string, maxBytes: number): ReturnType<typeof verifyExportedRecord> {
  const { doc } = readDocumentFile(path, maxBytes);
  return verifyExportedRecord(doc.json, path);
}
