import { webApi } from '@slack/bolt';
import { createWebClients, type SlackClients } from '../../../src/slack/web-clients';
import { startLocalSlackStandIn, type LocalSlackStandIn } from '../../../dev/local-slack-stand-in';
import { createLogger } from '../../../src/logging/logger';
import { boltLogger } from '../../../src/slack/bolt-logger';
import { TEST_WEB_API_TUNING } from '../../helpers/slack-harness';

describe('the two Web API clients', () => {
  let standIn: LocalSlackStandIn;
  let clients: SlackClients;
  let channel: string;
  beforeEach(async () => {
    standIn = await startLocalSlackStandIn();
    clients = createWebClients(
      { botToken: standIn.botToken, slackApiUrl: standIn.apiUrl, webApi: TEST_WEB_API_TUNING },
      boltLogger(createLogger({ level: 'silent' })),
    );
    channel = standIn.addChannel({ name: 'patch-ms08-067', members: [standIn.botUserId] });
  });
  afterEach(() => standIn.stop());

  it('background: a 429 with Retry-After is waited out and retried, and succeeds', async () => {
    standIn.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 });
    const started = Date.now();
    const result = await clients.background.chat.postMessage({ channel, text: 'Decision opened' });
    expect(result.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(standIn.calls('chat.postMessage').map((c) => c.fault ?? 'ok')).toEqual(['ratelimited', 'ok']);
    expect(standIn.channel(channel)?.messages.map((m) => m.text)).toEqual(['Decision opened']);
  });

  it('interactive: views.open is not held up while the background client waits out a rate limit', async () => {
    standIn.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 5 });
    let posted = false;
    const posting = clients.background.chat.postMessage({ channel, text: 'queued behind a 429' }).then((result) => {
      posted = true;
      return result;
    });
    await waitFor(() => standIn.calls('chat.postMessage').length === 1);
    const opened = await clients.interactive.views.open({
      trigger_id: standIn.issueTriggerId(),
      view: { type: 'modal', title: { type: 'plain_text', text: 'Position' }, blocks: [] },
    });
    // the modal opened while the background client was still waiting out its Retry-After
    expect(opened.ok).toBe(true);
    expect(posted).toBe(false);
    await expect(posting).resolves.toMatchObject({ ok: true });
  });

  it('interactive: a 429 fails at once instead of waiting (the trigger would expire)', async () => {
    standIn.failNext('views.open', { kind: 'ratelimited', retryAfterSeconds: 30 });
    await expect(
      clients.interactive.views.open({
        trigger_id: standIn.issueTriggerId(),
        view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] },
      }),
    ).rejects.toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 30 });
    expect(standIn.calls('views.open')).toHaveLength(1);
  });

  it('background: a 5xx answer is retried', async () => {
    standIn.failNext('conversations.setTopic', { kind: 'server_error', status: 503 }, 2);
    await expect(
      clients.background.conversations.setTopic({ channel, topic: 'MS08-067: decide by 18:00' }),
    ).resolves.toMatchObject({ ok: true });
    expect(standIn.calls('conversations.setTopic')).toHaveLength(3);
    expect(standIn.channel(channel)?.topic).toBe('MS08-067: decide by 18:00');
  });

  it('background: a request that hangs times out and is retried', async () => {
    standIn.failNext('pins.add', { kind: 'hang' });
    const { ts } = await clients.background.chat.postMessage({ channel, text: 'pin me' });
    await expect(clients.background.pins.add({ channel, timestamp: ts! })).resolves.toMatchObject({ ok: true });
    expect(standIn.calls('pins.add').map((c) => c.fault ?? 'ok')).toEqual(['hang', 'ok']);
    expect(standIn.channel(channel)?.pins).toEqual([ts]);
  });

  it('background: retries are bounded, then the error reaches the caller', async () => {
    standIn.failNext('chat.update', { kind: 'server_error' }, 10);
    await expect(clients.background.chat.update({ channel, ts: '1.000001', text: 'x' })).rejects.toMatchObject({
      code: webApi.ErrorCode.HTTPError,
    });
    expect(standIn.calls('chat.update')).toHaveLength(TEST_WEB_API_TUNING.backgroundRetries + 1);
  });

  it('a platform error (ok:false) is not retried', async () => {
    await clients.background.conversations.create({ name: 'patch-ms08-067-b' });
    await expect(clients.background.conversations.create({ name: 'patch-ms08-067-b' })).rejects.toMatchObject({
      data: { error: 'name_taken' },
    });
    expect(standIn.calls('conversations.create')).toHaveLength(2);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
