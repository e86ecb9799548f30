import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportOutcome } from '../../../src/app/import-documents';
import { startSlackHarness, type SlackHarness } from '../../helpers/slack-harness';

const INGEST_TOKEN = 'ingest-token-for-tests-0123456789';
const bulletin = readFileSync(join(__dirname, '../../../db/seed/ms08-067.bulletin.yaml'));

describe('POST /bulletins', () => {
  let harness: SlackHarness;
  const heard: { outcomes: ImportOutcome[]; actor: string }[] = [];
  beforeAll(async () => {
    harness = await startSlackHarness({
      env: { PATCHCALL_INGEST_TOKEN: INGEST_TOKEN, PATCHCALL_MAX_INPUT_MB: '1' },
      register: (_app, deps) =>
        deps.imports.onImported((outcomes, source) => void heard.push({ outcomes, actor: source.actor })),
    });
  });
  afterAll(() => harness.stop());

  const post = (body: Buffer | string, token: string | null = INGEST_TOKEN, query = '') =>
    harness.request(`/bulletins${query}`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/octet-stream',
        ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
      },
    });

  it('refuses a request without the bearer token, or with a wrong one', async () => {
    const head = harness.ctx.events.head().seq;
    expect((await post(bulletin, null)).status).toBe(401);
    expect((await post(bulletin, 'ingest-token-for-tests-012345678X')).status).toBe(401);
    expect((await post(bulletin, 'short')).status).toBe(401);
    expect(harness.ctx.events.head().seq).toBe(head);
  });

  it('imports a hand-written bulletin (201), commits it, then tells the import listeners', async () => {
    const res = await post(bulletin, INGEST_TOKEN, '?name=ms08-067.bulletin.yaml');
    expect(res.status).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      ok: true,
      status: 'imported',
      imported: [{ status: 'imported', document: 'ms08-067.bulletin.yaml' }],
    });
    const stored = harness.ctx.events.first({ type: 'source.imported', stream: `source:${body.imported[0].sha256}` });
    expect(stored?.actor).toBe('ingest');
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ actor: 'ingest', outcomes: [{ status: 'imported' }] });
  });

  it('answers 200 "unchanged" when the same document comes again, and does not tell the listeners', async () => {
    const res = await post(bulletin);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, status: 'unchanged', imported: [{ status: 'unchanged' }] });
    expect(heard).toHaveLength(1);
  });

  it('answers 400 with the input error and stores nothing for a bad document', async () => {
    const head = harness.ctx.events.head().seq;
    const res = await post('{"document": {"category": "csaf_security_advisory"', INGEST_TOKEN);
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({
      ok: false,
      error: 'bad_input',
      message: expect.stringMatching(/^request body/),
    });
    expect(harness.ctx.events.head().seq).toBe(head);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await post(Buffer.alloc(harness.config.maxInputBytes + 1, 0x20));
    expect(res.status).toBe(413);
  });

  // last: it leaves the lookup tables tampered with
  it('answers 503 naming `patchcall audit rebuild` when a lookup table disagrees with the log, and stores nothing', async () => {
    harness.ctx.db.exec('DELETE FROM advisory_records');
    const head = harness.ctx.events.head().seq;
    const res = await post(readFileSync(join(__dirname, '../../../db/seed/cve5-CVE-2008-4250.json')));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(res.json()).toMatchObject({
      ok: false,
      error: 'tables_differ',
      message: expect.stringMatching(/advisory_records[\s\S]*patchcall audit rebuild/),
    });
    expect(harness.ctx.events.head().seq).toBe(head);
  });
});

describe('POST /bulletins without PATCHCALL_INGEST_TOKEN', () => {
  it('answers 503 and imports nothing', async () => {
    const harness = await startSlackHarness();
    try {
      const res = await harness.request('/bulletins', {
        method: 'POST',
        body: bulletin,
        headers: { authorization: 'Bearer anything-at-all-here' },
      });
      expect(res.status).toBe(503);
      expect(res.json()).toMatchObject({ error: 'ingest_disabled' });
    } finally {
      await harness.stop();
    }
  });
});
