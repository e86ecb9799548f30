/**
 * Anchors and export uploads go through the record outbox: asked for in the log with a key, performed under a
 * lease, their outcome appended; after a lost reply the retry finds what the attempt left instead of posting twice.
 */
import { loadDecision } from '../../../src/app/decision-log';
import { RecordEffectEvents } from '../../../src/audit/record-effects';
import { postAnchor } from '../../../src/slack/audit-anchors';
import { EFFECT_METADATA_TYPE } from '../../../src/slack/slack-gateway';
import { PEOPLE } from '../../decisions/sample-decision';
import type { SlackHarness } from '../../helpers/slack-harness';
import { usePostgres } from '../../helpers/postgres';
import { eventually, startDecisionHarness, storeFor, STORES } from './decision-flow-setup';

const postgres = usePostgres();

const AUDIT = 'patchcall-audit';
// the effects client gives up after 400 ms in tests (TEST_WEB_API_TUNING): a reply after 1 s is a lost reply
const LOST_REPLY = { kind: 'reply-late', ms: 1000 } as const;
const RATE_LIMITED = { kind: 'ratelimited', retryAfterSeconds: 1 } as const;

describe.each(STORES)('anchors and uploads through the record outbox (on %s)', (store) => {
  let h: SlackHarness;
  afterEach(async () => h?.stop());

  const anchorsIn = (key: string) =>
    h.standIn
      .channel(AUDIT)!
      .messages.filter(
        (m) =>
          (m.metadata as { event_type?: string; event_payload?: { key?: string } } | undefined)?.event_payload?.key ===
            key && (m.metadata as { event_type: string }).event_type === EFFECT_METADATA_TYPE,
      );
  const anchored = (key: string) =>
    [...h.ctx.events.read({ stream: 'audit', type: RecordEffectEvents.anchored })].filter(
      (e) => (e.payload as { key?: string }).key === key,
    );

  async function anchorWith(fault: typeof LOST_REPLY | typeof RATE_LIMITED) {
    h = await startDecisionHarness({
      env: { PATCHCALL_AUDIT_CHANNEL: AUDIT },
      outbox: { minRetryMs: 50 },
      store: await storeFor(store, postgres),
    });
    h.standIn.addChannel({ name: AUDIT, members: [h.standIn.botUserId] });
    // the anchor asked for at start has run its course (the channel was not there yet); this one is ours
    await h.deps.records.idle();
    h.standIn.failNext('chat.postMessage', fault);
    const request = (await postAnchor(h.deps, 'call'))!;
    const event = await eventually(() => anchored(request.key)[0], 'the anchor');
    await h.deps.records.idle();
    const messages = anchorsIn(request.key);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toContain(`seq=${request.seq} hash=${request.hash}`);
    expect(event.payload).toMatchObject({ key: request.key, ts: messages[0]!.ts, seq: request.seq });
    expect(anchored(request.key)).toHaveLength(1);
    return { request, event, calls: h.standIn.calls('chat.postMessage') };
  }

  it('posts one anchor when Slack posted it but the reply was lost, and finds it instead of posting again', async () => {
    const { event } = await anchorWith(LOST_REPLY);
    expect(event.payload).toMatchObject({ found: true });
  });

  it('posts one anchor after a 429', async () => {
    const { event, calls } = await anchorWith(RATE_LIMITED);
    expect(event.payload).not.toHaveProperty('found');
    expect(calls.filter((c) => c.fault === 'ratelimited')).toHaveLength(1);
  });

  async function exportWith(method: string, fault: typeof LOST_REPLY | typeof RATE_LIMITED) {
    h = await startDecisionHarness({ outbox: { minRetryMs: 50 }, store: await storeFor(store, postgres) });
    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
    const channel = loadDecision(h.ctx, 'MS08-067').channel!.id;
    await eventually(() => h.standIn.responses().length === 1 || undefined, 'the convene reply');
    h.standIn.failNext(method, fault);
    const before = h.standIn.responses().length;
    await h.command('export MS08-067 json', { userId: PEOPLE.sec1 });
    const answer = JSON.stringify((await eventually(() => h.standIn.responses()[before], 'the answer', 10_000)).body);
    expect(answer).toContain('Uploaded `audit-MS08-067.json`');
    await h.deps.records.idle();
    const shared = h.standIn
      .channel(channel)!
      .messages.flatMap((m) => m.files ?? [])
      .filter((f) => f.name === 'audit-MS08-067.json');
    expect(shared).toHaveLength(1);
    const exported = [...h.ctx.events.read({ stream: 'decision:MS08-067', type: 'decision.exported' })];
    expect(exported).toHaveLength(1);
    expect(exported[0]!.payload).toMatchObject({ userId: PEOPLE.sec1, files: [{ fileId: shared[0]!.id }] });
    return [...h.ctx.events.read({ stream: 'decision:MS08-067', type: RecordEffectEvents.uploaded })];
  }

  it('uploads one file when Slack shared it but the reply to files.completeUploadExternal was lost', async () => {
    const uploaded = await exportWith('files.completeUploadExternal', LOST_REPLY);
    expect(uploaded.map((e) => e.payload)).toEqual([expect.objectContaining({ found: true })]);
  });

  it('uploads one file after a 429 on files.getUploadURLExternal', async () => {
    const uploaded = await exportWith('files.getUploadURLExternal', RATE_LIMITED);
    expect(uploaded).toHaveLength(1);
    expect(h.standIn.calls('files.getUploadURLExternal').filter((c) => c.fault === 'ratelimited')).toHaveLength(1);
  });

  it('uploads what the log asked for after a restart, once', async () => {
    h = await startDecisionHarness({ store: await storeFor(store, postgres) });
    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
    const channel = loadDecision(h.ctx, 'MS08-067').channel!.id;
    // Slack hangs: the upload is asked for in the log but not done when the app goes away
    h.standIn.failNext('files.getUploadURLExternal', { kind: 'hang' });
    void h.command('export MS08-067 json', { userId: PEOPLE.sec1 });
    await eventually(
      () => [...h.ctx.events.read({ stream: 'decision:MS08-067', type: RecordEffectEvents.uploadAttempted })][0],
      'the upload attempt',
    );
    await h.restart();
    await eventually(
      () => [...h.ctx.events.read({ stream: 'decision:MS08-067', type: 'decision.exported' })][0],
      'the export on the record',
      10_000,
    );
    const shared = h.standIn
      .channel(channel)!
      .messages.flatMap((m) => m.files ?? [])
      .filter((f) => f.name === 'audit-MS08-067.json');
    expect(shared).toHaveLength(1);
  });
});
