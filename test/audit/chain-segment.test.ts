import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { buildChainSegment, verifyChainSegment, type ChainSegment } from '../../src/audit/chain-segment';
import { anchorText, checkAnchors, parseAnchors } from '../../src/audit/anchors';
import { AUDIT_RECORD_FORMAT } from '../../src/audit/verify-exported-record';
import { EventLog } from '../../src/store/event-log';
import { openDatabase } from '../../src/store/open-database';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

/** A log where decision:a's events are interleaved with another stream's. */
function interleavedLog(): { log: EventLog; path: string } {
  const path = tempDbPath();
  const log = new EventLog(openDatabase(path), () => new Date('2008-10-23T17:00:00Z'));
  log.append({ type: 'source.imported', stream: 'source:x', actor: 'cli', payload: { n: 0 } });
  for (let i = 1; i <= 4; i++) {
    log.append({
      type: 'decision.position',
      stream: 'decision:a',
      actor: `U${i}`,
      payload: { stance: 'agree', comment: `c${i}` },
    });
    log.append({
      type: 'decision.position',
      stream: 'decision:b',
      actor: `U${i}`,
      payload: { secret: `other decision ${i}` },
    });
  }
  return { log, path };
}

function segmentOf(log: EventLog, stream: string): ChainSegment {
  const seqs = [...log.read({ stream })].map((e) => e.seq);
  return buildChainSegment(stream, log.chainBetween(seqs[0]!, seqs[seqs.length - 1]!));
}

const clone = (segment: ChainSegment): ChainSegment => JSON.parse(JSON.stringify(segment));

describe('an exported chain segment', () => {
  it('verifies untouched, holding the stream in full and the others redacted', () => {
    const segment = segmentOf(interleavedLog().log, 'decision:a');
    expect(segment.links.map((l) => l.seq)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(segment.links.filter((l) => l.payload !== undefined).map((l) => l.stream)).toEqual(
      Array(4).fill('decision:a'),
    );
    expect(JSON.stringify(segment)).not.toContain('other decision');
    expect(verifyChainSegment(segment)).toMatchObject({ ok: true, streamEvents: 4, count: 7, headSeq: 8 });
  });

  it('catches a changed payload, a removed, inserted or reordered link, and a redacted event of the stream', () => {
    const segment = segmentOf(interleavedLog().log, 'decision:a');

    const changed = clone(segment);
    (changed.links[2]!.payload as { comment: string }).comment = 'I never said that';
    expect(verifyChainSegment(changed)).toMatchObject({ ok: false, brokenAt: 4 });

    const removed = clone(segment);
    removed.links.splice(2, 1);
    expect(verifyChainSegment(removed)).toMatchObject({ ok: false, brokenAt: 5 });

    const inserted = clone(segment);
    inserted.links.splice(1, 0, { ...inserted.links[0]!, seq: 3 });
    expect(verifyChainSegment(inserted).ok).toBe(false);

    const reordered = clone(segment);
    [reordered.links[2], reordered.links[4]] = [reordered.links[4]!, reordered.links[2]!];
    expect(verifyChainSegment(reordered).ok).toBe(false);

    const hidden = clone(segment);
    delete hidden.links[2]!.payload;
    expect(verifyChainSegment(hidden)).toMatchObject({
      ok: false,
      brokenAt: 4,
      problem: expect.stringContaining('redacted'),
    });

    const relabelled = clone(segment);
    delete relabelled.links[2]!.payload;
    relabelled.links[2]!.stream = 'decision:b';
    expect(verifyChainSegment(relabelled)).toMatchObject({
      ok: false,
      brokenAt: 4,
      problem: expect.stringContaining('changed'),
    });
  });

  it('a bare chain segment is not a record: `audit verify --export` asks for a signed one', async () => {
    const segment = segmentOf(interleavedLog().log, 'decision:a');
    const file = join(dirname(tempDbPath()), 'record.json');
    writeFileSync(file, JSON.stringify({ format: AUDIT_RECORD_FORMAT, chain: segment }));
    const result = await patchcall(['audit', 'verify', '--export', file, '--db', '/nonexistent/never-opened.db']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/record BROKEN at \/version: .* is not signed/);
  });
});

describe('anchors', () => {
  it('reads anchors from a channel export and finds a rolled-back or rewritten database', async () => {
    const { log, path } = interleavedLog();
    const at5 = { seq: 5, hash: log.hashAt(5)! };
    const history = {
      ok: true,
      messages: [
        { ts: '1.0', text: anchorText(at5, '2008-10-23T17:00:00Z') },
        { ts: '2.0', text: 'chatter' },
      ],
    };
    expect(parseAnchors(history)).toEqual([
      { seq: 5, hash: at5.hash, at: '2008-10-23T17:00:00Z', where: 'message ts 1.0' },
    ]);
    expect(checkAnchors(parseAnchors(history), (seq) => log.hashAt(seq), log.head().seq)).toMatchObject({
      ok: true,
      checked: 1,
    });

    const file = join(dirname(path), 'audit-channel.json');
    writeFileSync(file, JSON.stringify(history));
    expect((await patchcall(['--db', path, 'audit', 'verify', '--anchors', file])).stdout).toMatch(
      /anchors ok: 1 anchor match/,
    );

    // a database rebuilt from scratch with fewer events verifies on its own, but not against the anchor
    const rolledBack = interleavedLog();
    const shorter = tempDbPath();
    const rewritten = new EventLog(openDatabase(shorter), () => new Date('2008-10-24T00:00:00Z'));
    rewritten.append({ type: 'source.imported', stream: 'source:x', actor: 'cli', payload: { n: 0 } });
    expect(checkAnchors(parseAnchors(history), (seq) => rewritten.hashAt(seq), rewritten.head().seq)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('rolled back'),
    });
    expect(checkAnchors(parseAnchors(history), (seq) => rolledBack.log.hashAt(seq) && 'f'.repeat(64), 9)).toMatchObject(
      {
        ok: false,
        problem: expect.stringContaining('rewritten'),
      },
    );
    const cli = await patchcall(['--db', shorter, 'audit', 'verify', '--anchors', file]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(
      /chain ok: 1 events[\s\S]*anchors MISMATCH: .*event #5, which the database does not have/,
    );
  });
});
