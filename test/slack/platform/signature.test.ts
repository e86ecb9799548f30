import { startSlackHarness, TEST_SIGNING_SECRET, type SlackHarness } from '../../helpers/slack-harness';

describe('requests to /slack/events', () => {
  let harness: SlackHarness;
  beforeAll(async () => {
    harness = await startSlackHarness();
  });
  afterAll(() => harness.stop());

  it('answers GET /healthz with {"ok":true}', async () => {
    const res = await harness.request('/healthz');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });

  it('answers GET /readyz with the database ready (over HTTP there is no Slack connection to report)', async () => {
    const res = await harness.request('/readyz');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true, database: 'ready', slack: 'http' });
  });

  it('accepts a correctly signed slash command', async () => {
    const res = await harness.command('help');
    expect(res.status).toBe(200);
  });

  it('refuses a forged signature with 401 and changes nothing', async () => {
    const eventsBefore = harness.ctx.events.head().seq;
    harness.standIn.clearCalls();
    const forged = await harness.command('new MS08-067', { signingSecret: 'not-the-secret' });
    const garbage = await harness.command('new MS08-067', { signature: 'v0=' + '0'.repeat(64) });
    expect(forged.status).toBe(401);
    expect(garbage.status).toBe(401);
    expect(forged.body).toBe('');
    expect(harness.standIn.calls()).toEqual([]);
    expect(harness.ctx.events.head().seq).toEqual(eventsBefore);
  });

  it('refuses a correctly signed request that is six minutes old', async () => {
    const res = await harness.command('status', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(res.status).toBe(401);
  });

  it('refuses a request without signature headers', async () => {
    const res = await harness.request('/slack/events', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'command=%2Fpatch&text=status',
    });
    expect(res.status).toBe(401);
  });

  it('answers a command no listener handles instead of letting it time out', async () => {
    const res = await harness.command('', { command: '/not-patchcall' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/patch help') });
  });

  it('acks a button no listener handles and tells the user through response_url', async () => {
    const before = harness.standIn.responses().length;
    const res = await harness.blockAction({
      actionId: 'no_such_action_anywhere',
      value: 'x',
      messageTs: '1224763200.000100',
    });
    expect(res.status).toBe(200);
    await waitFor(() => harness.standIn.responses().length > before);
    expect(harness.standIn.responses().at(-1)?.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
    });
  });

  it('answers a form no listener handles with an error on its first input', async () => {
    const res = await harness.viewSubmission({
      callbackId: 'no_such_modal',
      blocks: [
        {
          type: 'input',
          block_id: 'reason',
          label: { type: 'plain_text', text: 'Reason' },
          element: { type: 'plain_text_input', action_id: 'value' },
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ response_action: 'errors', errors: { reason: expect.any(String) } });
  });

  it('acks an Events API event, retries included', async () => {
    const first = await harness.event({
      type: 'app_home_opened',
      user: 'U0TESTER1',
      channel: 'D0HOME',
      tab: 'home',
      event_ts: '1224763200.000200',
    });
    const retried = await harness.event(
      { type: 'app_home_opened', user: 'U0TESTER1', channel: 'D0HOME', tab: 'home', event_ts: '1224763200.000200' },
      { retryNum: 1 },
    );
    expect(first.status).toBe(200);
    expect(retried.status).toBe(200);
  });

  it('uses the signing secret only to verify, never logs it', () => {
    expect(harness.logs()).not.toContain(TEST_SIGNING_SECRET);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
