/**
 * Verifying a long log in worker threads: the sequence range is cut into one segment per worker, each worker opens
 * the database read-only and walks its segment from the previous hash its first row names, and the segments are
 * joined at their links: segment i+1 must start from the hash segment i ended on, and the first from the genesis
 * hash. The result is the one a single walk gives (the first broken link in sequence order), in a fraction of the
 * time on a machine with cores to spare.
 */
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { ChainVerifier, GENESIS_HASH, payloadDigest, type ChainVerdict } from '../audit/hash-chain';

export interface SegmentResult {
  fromSeq: number;
  toSeq: number;
  /** The previous hash the segment's first row names; undefined when that row is missing. */
  startPrevHash?: string;
  verdict: ChainVerdict;
}

/** Walks events fromSeq..toSeq (inclusive) of an open database. */
export function verifySegment(db: Database.Database, fromSeq: number, toSeq: number): SegmentResult {
  const first = db.prepare('SELECT prev_hash FROM events WHERE seq = ?').get(fromSeq) as
    { prev_hash: string } | undefined;
  if (!first)
    return {
      fromSeq,
      toSeq,
      verdict: {
        ok: false,
        count: 0,
        brokenAt: fromSeq,
        problem: `event #${fromSeq} is missing (an event was deleted)`,
      },
    };
  const verifier = new ChainVerifier({ prevHash: first.prev_hash, seq: fromSeq });
  const rows = db
    .prepare(
      'SELECT seq, at, actor, type, stream, payload, prev_hash, hash FROM events WHERE seq BETWEEN ? AND ? ORDER BY seq',
    )
    .raw()
    .iterate(fromSeq, toSeq) as Iterable<[number, string, string, string, string, string, string, string]>;
  for (const [seq, at, actor, type, stream, payload, prevHash, hash] of rows) {
    if (!verifier.link(seq, at, actor, type, stream, payloadDigest(payload), prevHash, hash)) break;
  }
  const verdict = verifier.result();
  if (verdict.ok && verdict.headSeq !== toSeq)
    return {
      fromSeq,
      toSeq,
      startPrevHash: first.prev_hash,
      verdict: {
        ok: false,
        count: verdict.count,
        brokenAt: verdict.headSeq + 1,
        problem: `event #${verdict.headSeq + 1} is missing (an event was deleted)`,
      },
    };
  return { fromSeq, toSeq, startPrevHash: first.prev_hash, verdict };
}

/** Joins segment results in sequence order into the verdict of the whole log. */
export function joinSegments(segments: SegmentResult[]): ChainVerdict {
  let prevHash = GENESIS_HASH;
  let count = 0;
  let headSeq = 0;
  for (const segment of segments) {
    if (segment.startPrevHash !== undefined && segment.startPrevHash !== prevHash)
      return {
        ok: false,
        count,
        brokenAt: segment.fromSeq,
        problem: 'previous-hash link does not match the hash of the event before it',
        expected: prevHash,
        found: segment.startPrevHash,
      };
    const verdict = segment.verdict;
    if (!verdict.ok) return { ...verdict, count: count + verdict.count };
    count += verdict.count;
    prevHash = verdict.headHash;
    headSeq = verdict.headSeq;
  }
  return { ok: true, count, headSeq, headHash: prevHash };
}

/** The whole log of the database file, verified in `workers` threads (default: one per available core). */
export async function verifyLogInParallel(dbPath: string, workers = availableParallelism()): Promise<ChainVerdict> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  let head: number;
  try {
    head = (db.prepare('SELECT COALESCE(MAX(seq), 0) AS head FROM events').get() as { head: number }).head;
    // compiled code runs the segments in workers; under ts-node/jest (a .ts file) they run here, one after another
    if (head === 0) return { ok: true, count: 0, headSeq: 0, headHash: GENESIS_HASH };
    const ranges = splitRange(head, Math.max(1, workers));
    if (!__filename.endsWith('.js') || ranges.length === 1)
      return joinSegments(ranges.map(([from, to]) => verifySegment(db, from, to)));
  } finally {
    db.close();
  }
  const results = await Promise.all(splitRange(head, workers).map(([from, to]) => runWorker(dbPath, from, to)));
  return joinSegments(results);
}

function splitRange(head: number, parts: number): [number, number][] {
  const size = Math.ceil(head / parts);
  const ranges: [number, number][] = [];
  for (let from = 1; from <= head; from += size) ranges.push([from, Math.min(head, from + size - 1)]);
  return ranges;
}

function runWorker(dbPath: string, fromSeq: number, toSeq: number): Promise<SegmentResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: { kind: 'verify-segment', dbPath, fromSeq, toSeq } });
    worker.once('message', (result: SegmentResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`verification worker for #${fromSeq}-#${toSeq} exited with ${code}`));
    });
  });
}

const job = workerData as { kind?: string; dbPath: string; fromSeq: number; toSeq: number } | null;
if (!isMainThread && job?.kind === 'verify-segment') {
  const db = new Database(job.dbPath, { readonly: true, fileMustExist: true });
  try {
    parentPort!.postMessage(verifySegment(db, job.fromSeq, job.toSeq));
  } finally {
    db.close();
  }
}
