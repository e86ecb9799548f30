import { parse as parseCsv } from 'csv-parse/sync';
import { formulaSafeCsv } from '../../src/common/safe-csv';
/**
 * `patchcall export`: a decision recorded in a real SQLite log (its events appended as Slack would append them)
 * exported in every format, verified on its own, and caught when tampered with. The Slack thread comes from the
 * local Web API stand-in, with more than one page of replies.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { webApi } from '@slack/bolt';
import { openAppContext } from '../../src/app/app-context';
import { DecisionEvents, decisionStream } from '../../src/decisions/decision-model';
import { LocalSlackStandIn } from '../../dev/local-slack-stand-in';
import { fetchSlackThread } from '../../src/slack/fetch-slack-thread';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const SEED_BULLETIN = join(__dirname, '../../db/seed/ms08-067.bulletin.yaml');
const snapshot = {
  bulletinRevision: '1.0',
  bulletinSourceSeqs: [1],
  inventoryHash: 'a'.repeat(64),
  exposureInputsHash: 'b'.repeat(64),
  rulebookHash: 'c'.repeat(64),
  logHeadSeq: 1,
};

async function recordedDecision(channelId = 'C0DECISION'): Promise<string> {
  const db = tempDbPath();
  await patchcall(['--db', db, 'import', SEED_BULLETIN]);
  let minute = 0;
  const ctx = openAppContext({ dbPath: db, clock: () => new Date(Date.UTC(2008, 9, 23, 18, minute++)) });
  const stream = decisionStream('ms08-067');
  const append = (type: string, actor: string, payload: unknown) => ctx.events.append({ type, stream, actor, payload });
  ctx.events.append({
    type: 'unrelated.happened',
    stream: 'decision:other',
    actor: 'U0OTHER',
    payload: { secret: 'another decision' },
  });
  append(DecisionEvents.convened, 'U0SEC', {
    decisionId: 'ms08-067',
    bulletinId: 'MS08-067',
    channel: { id: channelId, name: 'patch-ms08-067' },
    bulletin: {
      id: 'MS08-067',
      title: 'Server service',
      cycle: { status: 'out-of-cycle', reason: 'Thursday' },
      cves: ['CVE-2008-4250'],
      fixIds: ['KB958644'],
      exploitation: 'active',
    },
    assessment: undefined,
    assets: [],
    exposures: [],
    members: { security: ['U0SEC'], network: ['U0NET'], sysadmin: ['U0SYS'], owner: ['U0OWN'], delegate: [] },
    roles: {
      security: { users: ['U0SEC'], groups: [] },
      network: { users: ['U0NET'], groups: [] },
      sysadmin: { users: ['U0SYS'], groups: [] },
      owner: { users: ['U0OWN'], groups: [] },
      delegate: { users: [], groups: [] },
    },
    snapshot,
    trigger: 'command',
  });
  ctx.events.append({
    type: 'unrelated.happened',
    stream: 'decision:other',
    actor: 'U0OTHER',
    payload: { secret: 'still another decision' },
  });
  append(DecisionEvents.positionRecorded, 'U0NET', {
    userId: 'U0NET',
    roles: ['network'],
    stance: 'more-info',
    comment: 'Is web02 behind the same <!channel> rule?',
    key: 'k1',
  });
  append(DecisionEvents.positionRecorded, 'U0NET', { userId: 'U0NET', roles: ['network'], stance: 'agree', key: 'k2' });
  append(DecisionEvents.refused, 'U0EVE', {
    userId: 'U0EVE',
    attempted: 'position',
    reason: 'not a member of security, network or sysadmin',
    key: 'k3',
  });
  append(DecisionEvents.called, 'U0OWN', {
    userId: 'U0OWN',
    as: 'owner',
    outcome: 'waves',
    rationale: 'web01 tonight, the rest after a day of soak',
    quorumMet: true,
    quorumSummary: 'security, network, sysadmin: 1 of 3',
    recommendedCall: 'waves',
    snapshot,
    key: 'k4',
  });
  ctx.close();
  return db;
}

function outFile(db: string, name: string): string {
  return join(dirname(db), name);
}

describe('patchcall export', () => {
  it('writes JSON, CSV, Markdown and HTML records of one decision', async () => {
    const db = await recordedDecision();
    const json = await patchcall(['--db', db, 'export', 'MS08-067', '--format', 'json'], {
      now: new Date('2008-11-20T09:00:00Z'),
    });
    expect(json.code).toBe(0);
    const record = JSON.parse(json.stdout);
    expect(record.decision).toMatchObject({
      id: 'ms08-067',
      status: 'decided',
      channel: 'patch-ms08-067',
      call: { person: { id: 'U0OWN' }, outcome: 'waves' },
    });
    expect(record.decision.positions.map((p: { stance: string }) => p.stance)).toEqual(['more-info', 'agree']);
    expect(record.decision.refusals).toHaveLength(1);
    expect(record.bulletin.fixIds).toEqual(['KB958644']);
    expect(record.timeline.map((t: { type: string }) => t.type)).toEqual([
      'decision.convened',
      'decision.position-recorded',
      'decision.position-recorded',
      'decision.refused',
      'decision.called',
      'decision.people-named',
    ]);
    expect(record.exportedBy).toMatchObject({ id: expect.stringMatching(/^cli:/) });
    expect(JSON.stringify(record)).not.toContain('still another decision');
    expect(
      record.chain.links.some(
        (l: { stream: string; payload?: unknown }) => l.stream === 'decision:other' && l.payload === undefined,
      ),
    ).toBe(true);

    const csv = parse((await patchcall(['--db', db, 'export', 'ms08-067', '--format', 'csv'])).stdout, {
      columns: true,
    }) as Record<string, string>[];
    expect(csv).toHaveLength(7); // and the people named, and the first export
    expect(csv[6]).toMatchObject({ type: 'decision.exported', actor_id: expect.stringMatching(/^cli:/) });
    expect(csv[6]!.summary).toMatch(
      /exported the audit record through event #\d+: stdout\.json \(sha256 [0-9a-f]{12}…\)/,
    );

    const named = JSON.parse((await patchcall(['--db', db, 'export', 'ms08-067', '--as', 'Audrey Auditor'])).stdout);
    expect(named.exportedBy).toMatchObject({ id: expect.stringMatching(/^cli:/), name: 'Audrey Auditor' });
    expect(csv[1]!.summary).toBe('asked for more information as network: Is web02 behind the same <!channel> rule?');

    const md = (await patchcall(['--db', db, 'export', 'ms08-067', '--format', 'md'])).stdout;
    expect(md).toContain('&lt;!channel&gt;');
    const html = outFile(db, 'record.html');
    expect((await patchcall(['--db', db, 'export', 'ms08-067', '--format', 'html', '--out', html])).code).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('<table id="timeline">');
  });

  it('is verified untouched by audit verify --export, and every kind of tampering is caught', async () => {
    const db = await recordedDecision();
    const file = outFile(db, 'record.json');
    await patchcall(['--db', db, 'export', 'ms08-067', '--out', file]);
    const ok = await patchcall(['--db', db, 'audit', 'verify', '--export', file]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/record ok: 6 events of decision:ms08-067 within 7 chained events/);
    expect(ok.stdout).toContain(
      'not covered by the chain: /bulletin, /chainHead, /exportedAt, /exportedBy, /slackThread, /timeZone',
    );

    const original = JSON.parse(readFileSync(file, 'utf8'));
    const tamperings: [string, (r: typeof original) => void][] = [
      [
        'changed rationale',
        (r) =>
          (r.chain.links.find((l: { type: string }) => l.type === 'decision.called').payload.rationale =
            'we always wanted to wait'),
      ],
      ['changed actor', (r) => (r.chain.links[1].actor = 'U0OWN')],
      ['deleted event', (r) => r.chain.links.splice(2, 1)],
      ['reordered events', (r) => r.chain.links.reverse()],
      ['inserted event', (r) => r.chain.links.splice(3, 0, { ...r.chain.links[3], seq: r.chain.links[3].seq })],
      [
        'hidden position',
        (r) => delete r.chain.links.find((l: { type: string }) => l.type === 'decision.refused').payload,
      ],
    ];
    for (const [name, tamper] of tamperings) {
      const copy = JSON.parse(JSON.stringify(original));
      tamper(copy);
      writeFileSync(file, JSON.stringify(copy));
      const result = await patchcall(['--db', db, 'audit', 'verify', '--export', file]);
      expect({ name, code: result.code }).toEqual({ name, code: 1 });
    }
  });

  it('writes a bundle of every decision since a date', async () => {
    const db = await recordedDecision();
    const dir = outFile(db, 'bundle');
    expect((await patchcall(['--db', db, 'export', '--all', '--since', '2008-10-01', '--out', dir])).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['index.csv', 'ms08-067.html', 'ms08-067.json']);
    // a real CSV (quoted where needed), read back by a CSV parser
    expect(parseCsv(readFileSync(join(dir, 'index.csv'), 'utf8'), { columns: true })).toEqual([
      expect.objectContaining({ decision: 'ms08-067', bulletin: 'MS08-067', file_json: 'ms08-067.json' }),
    ]);
    await patchcall(['--db', db, 'export', '--all', '--since', '2009-01-01', '--out', join(dir, 'later')]);
    expect(
      readFileSync(join(dir, 'later', 'index.csv'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(1);
    expect((await patchcall(['--db', db, 'export', '--all', '--since', 'last tuesday', '--out', dir])).code).toBe(2);
  });

  it('includes the Slack thread, following more than one page of replies, names resolved', async () => {
    const standIn = await LocalSlackStandIn.start();
    try {
      standIn.addUser({ id: 'U0NET', name: 'nina', real_name: 'Nina <Network>' });
      const channel = standIn.addChannel({ name: 'patch-ms08-067', members: [standIn.botUserId, 'U0NET'] });
      const client = new webApi.WebClient(standIn.botToken, {
        slackApiUrl: standIn.apiUrl,
        retryConfig: { retries: 0 },
      });
      const parent = (await client.chat.postMessage({ channel, text: 'decision card' })) as { ts: string };
      for (let i = 0; i < 230; i++)
        await client.chat.postMessage({ channel, text: `reply ${i}`, thread_ts: parent.ts });
      await client.chat.postMessage({ channel, text: 'the call: waves' });

      const thread = await fetchSlackThread(client, channel);
      expect(thread.messages.map((m) => m.text)).toEqual(['decision card', 'the call: waves']);
      expect(thread.messages[0]!.replies).toHaveLength(230);
      expect(thread.messages[0]!.replies[229]!.text).toBe('reply 229');
      expect(standIn.calls('conversations.replies').length).toBeGreaterThan(1);

      const db = await recordedDecision(channel);
      const exported = await patchcall(['--db', db, 'export', 'ms08-067'], {
        env: { SLACK_BOT_TOKEN: standIn.botToken, SLACK_API_URL: standIn.apiUrl },
      });
      const record = JSON.parse(exported.stdout);
      expect(record.slackThread[0].replies).toHaveLength(230);
      expect(record.slackThread[0].user.id).toBe(standIn.botUserId);
    } finally {
      await standIn.stop();
    }
  }, 60000);
});

describe('formula-safe CSV', () => {
  it('quotes commas and line breaks and defuses cells a spreadsheet would run', () => {
    const text = formulaSafeCsv([
      ['decision', 'bulletin'],
      ['a,b', '=HYPERLINK("http://x")'],
      ['line\nbreak', '@SUM(1)'],
    ]);
    expect(parseCsv(text)).toEqual([
      ['decision', 'bulletin'],
      ['a,b', `'=HYPERLINK("http://x")`],
      ['line\nbreak', "'@SUM(1)"],
    ]);
  });
});
