/**
 * `audit verify --export`: checks an exported decision record on its own, without the database.
 * 1. The chain links: nothing in the segment was changed, removed, added or reordered, and no event of the
 *    decision is hidden.
 * 2. What the record shows: every section in `coverage.fromChain` is derived again from the chained payloads with
 *    the code that built it (derive-record.ts); a difference fails naming its JSON pointer.
 * 3. The signature: the whole record (export time, chain head, the decision's state at that head, every section)
 *    as signed by the installation's Ed25519 key, and that key vouched for by `--key`, the anchors, or the local
 *    installation's key file.
 */
import { InputError } from '../common/errors';
import type { AuditRecord } from './audit-record';
import { segmentSummary, verifyChainSegment, type ChainSegment } from './chain-segment';
import { deriveRecordSections, derivedPointers, uncoveredPointers } from './derive-record';
import { signatureProblem } from './record-signature';
import { verifyUnsignedRecord, type UnsignedVerdict } from './verify-unsigned-record';

export const AUDIT_RECORD_FORMAT = 'patchcall/audit-record';

export interface TrustedKeys {
  /** base64 SPKI DER → who vouches for it ("--key", "anchor at message ts …", "the installation's key file"). */
  keys: Map<string, string>;
}

export type ExportVerdict =
  | {
      ok: true;
      stream: string;
      streamEvents: number;
      count: number;
      firstSeq: number;
      headSeq: number;
      headHash: string;
      fromChain: string[];
      notCoveredByChain: string[];
      keyId: string;
      keyVouchedBy: string;
    }
  | { ok: false; stream: string; brokenAt?: number; pointer?: string; problem: string; notCoveredByChain?: string[] }
  | UnsignedVerdict;

type ExportProblem = Extract<ExportVerdict, { ok: false; problem: string }>;

export function verifyExportedRecord(record: unknown, file: string, trusted: TrustedKeys): ExportVerdict {
  const { candidate, chain } = auditRecordOf(record, file);
  const stream = chain.stream;
  if ((candidate.version as unknown) === 1)
    return verifyUnsignedRecord(candidate as unknown as Record<string, unknown>, chain, firstDifference);
  if (candidate.version !== 2 && candidate.version !== 3)
    return {
      ok: false,
      stream,
      pointer: '/version',
      problem: `a version ${String(candidate.version)} record is not signed and its sections are not bound to the chain; export it again`,
    };

  const links = verifyChainSegment(chain);
  if (!links.ok) return { ok: false, stream, brokenAt: links.brokenAt, problem: links.problem };
  const sections = checkSections(candidate, chain, candidate.version);
  if ('problem' in sections) return sections;
  const { fromChain, notCoveredByChain } = sections;
  const headProblem = chainHeadProblem(candidate, chain);
  if (headProblem) return headProblem;
  const key = checkSignature(candidate, trusted, stream, notCoveredByChain);
  if ('problem' in key) return key;

  return {
    ok: true,
    ...segmentSummary(chain, links),
    fromChain,
    notCoveredByChain,
    ...key,
  };
}

/** The record and its chain, or a refusal of a file that is not an audit record at all. */
function auditRecordOf(
  record: unknown,
  file: string,
): { candidate: AuditRecord & { version?: unknown }; chain: ChainSegment } {
  const candidate = record as AuditRecord & { version?: unknown };
  if (candidate?.format !== AUDIT_RECORD_FORMAT)
    throw new InputError(file, `not a patchcall audit record (expected "format": "${AUDIT_RECORD_FORMAT}")`, {
      pointer: '/format',
    });
  const chain = candidate.chain as ChainSegment | undefined;
  if (!chain || typeof chain.stream !== 'string' || !Array.isArray(chain.links))
    throw new InputError(file, 'the record has no chain of events', { pointer: '/chain' });
  return { candidate, chain };
}

/** Every section the chain covers, derived again and compared; and the record's claim of what the chain covers. */
function checkSections(
  candidate: AuditRecord,
  chain: ChainSegment,
  version: 2 | 3,
): ExportProblem | { fromChain: string[]; notCoveredByChain: string[] } {
  const stream = chain.stream;
  const derived = JSON.parse(
    JSON.stringify(deriveRecordSections(chain, String(candidate.timeZone), version)),
  ) as Record<string, unknown>;
  const fromChain = derivedPointers(derived as never);
  const shown = candidate as unknown as Record<string, unknown>;
  const notCoveredByChain = uncoveredPointers(shown, fromChain);
  for (const pointer of fromChain) {
    const key = pointer.slice(1);
    const difference = firstDifference(shown[key], derived[key], pointer);
    if (difference !== undefined)
      return {
        ok: false,
        stream,
        pointer: difference,
        problem: `${difference} differs from what the chained events say`,
        notCoveredByChain,
      };
  }
  const coverage = candidate.coverage;
  const claimed = [...(coverage?.fromChain ?? [])].sort().join(' ');
  if (claimed !== [...fromChain].sort().join(' '))
    return {
      ok: false,
      stream,
      pointer: '/coverage/fromChain',
      problem: `/coverage/fromChain says "${claimed}" but the chain covers "${[...fromChain].sort().join(' ')}"`,
    };
  return { fromChain, notCoveredByChain };
}

function chainHeadProblem(candidate: AuditRecord, chain: ChainSegment): ExportProblem | undefined {
  const lastLink = chain.links[chain.links.length - 1]!;
  const head = candidate.chainHead;
  if (
    !head ||
    typeof head.seq !== 'number' ||
    head.seq < lastLink.seq ||
    (head.seq === lastLink.seq && head.hash !== lastLink.hash)
  )
    return {
      ok: false,
      stream: chain.stream,
      pointer: '/chainHead',
      problem: `/chainHead does not match the chain, which ends at event #${lastLink.seq}`,
    };
  return undefined;
}

/** The signature over the whole record, by a key something the verifier trusts vouches for. */
function checkSignature(
  candidate: AuditRecord,
  trusted: TrustedKeys,
  stream: string,
  notCoveredByChain: string[],
): ExportProblem | { keyId: string; keyVouchedBy: string } {
  const badSignature = signatureProblem(candidate);
  if (badSignature) return { ok: false, stream, pointer: '/signature', problem: badSignature, notCoveredByChain };
  const signature = candidate.signature!;
  const vouchedBy = trusted.keys.get(signature.publicKey);
  if (!vouchedBy)
    return {
      ok: false,
      stream,
      pointer: '/signature/publicKey',
      problem: trusted.keys.size
        ? `the record is signed by key ${signature.keyId}, which neither --key, the anchors nor this installation vouch for (re-signed with another key?)`
        : `the record is signed by key ${signature.keyId}, but nothing vouches for that key: pass --key <public key> or --anchors <export of the audit channel>`,
      notCoveredByChain,
    };
  return { keyId: signature.keyId, keyVouchedBy: vouchedBy };
}

/** The JSON pointer of the first place where `shown` and `expected` differ, or undefined when they are equal. */
export function firstDifference(shown: unknown, expected: unknown, pointer: string): string | undefined {
  if (shown === expected) return undefined;
  if (typeof shown !== 'object' || typeof expected !== 'object' || shown === null || expected === null) return pointer;
  if (Array.isArray(shown) !== Array.isArray(expected)) return pointer;
  const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
  if (Array.isArray(shown) && Array.isArray(expected)) {
    for (let i = 0; i < Math.max(shown.length, expected.length); i++) {
      const inner = firstDifference(shown[i], expected[i], `${pointer}/${i}`);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  const a = shown as Record<string, unknown>;
  const b = expected as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) {
    const inner = firstDifference(a[key], b[key], `${pointer}/${escape(key)}`);
    if (inner !== undefined) return inner;
  }
  return undefined;
}
