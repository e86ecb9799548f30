/** Checks an exported decision record on its own: its chain links, and that it is the record of one stream. */
import { InputError } from '../common/errors';
import { verifyChainSegment, type ChainSegment } from './chain-segment';

export const AUDIT_RECORD_FORMAT = 'patchcall/audit-record';

export type ExportVerdict =
  | {
      ok: true;
      stream: string;
      streamEvents: number;
      count: number;
      firstSeq: number;
      headSeq: number;
      headHash: string;
    }
  | { ok: false; stream: string; brokenAt: number; problem: string };

export function verifyExportedRecord(record: unknown, file: string): ExportVerdict {
  const candidate = record as { format?: unknown; chain?: ChainSegment };
  if (candidate?.format !== AUDIT_RECORD_FORMAT)
    throw new InputError(file, `not a patchcall audit record (expected "format": "${AUDIT_RECORD_FORMAT}")`, {
      pointer: '/format',
    });
  const chain = candidate.chain;
  if (!chain || typeof chain.stream !== 'string' || !Array.isArray(chain.links))
    throw new InputError(file, 'the record has no chain of events', { pointer: '/chain' });
  const verdict = verifyChainSegment(chain);
  if (!verdict.ok) return { ok: false, stream: chain.stream, brokenAt: verdict.brokenAt, problem: verdict.problem };
  return {
    ok: true,
    stream: chain.stream,
    streamEvents: verdict.streamEvents,
    count: verdict.count,
    firstSeq: chain.links[0]!.seq,
    headSeq: verdict.headSeq,
    headHash: verdict.headHash,
  };
}
