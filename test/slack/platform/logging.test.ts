import { Writable } from 'node:stream';
import { createLogger, maskSecrets } from '../../../src/logging/logger';
import { startSlackHarness, TEST_SIGNING_SECRET } from '../../helpers/slack-harness';

const INGEST_TOKEN = 'ingest-secret-that-must-not-leak-42';

describe('logging', () => {
  it('redacts secrets by field and masks tokens inside text', () => {
    let out = '';
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({ write: (c, _e, done) => ((out += c), done()) }),
    });
    logger.info(
      {
        token: 'xoxb-111-222-aaa',
        headers: { authorization: 'Bearer abc.def' },
        config: { signingSecret: 's3cr3t', appToken: 'xapp-1-A1-2-b' },
      },
      'settings',
    );
    logger.warn('request with Authorization: Bearer hunter2hunter2 and xapp-1-A0-123-xyz failed');
    expect(out).not.toMatch(/xoxb-111|abc\.def|s3cr3t|xapp-1-A1|hunter2|xapp-1-A0/);
    expect(out).toContain('[Redacted]');
    expect(maskSecrets('token xoxb-1-2-3 here')).toBe('token xoxb-[Redacted] here');
  });

  it('never writes the bot token, signing secret or ingest token while the app works and fails', async () => {
    const harness = await startSlackHarness({ env: { PATCHCALL_INGEST_TOKEN: INGEST_TOKEN }, logLevel: 'debug' });
    try {
      await harness.command('status');
      await harness.command('x', { signingSecret: 'forged' });
      await harness.request('/bulletins', {
        method: 'POST',
        body: 'not an advisory',
        headers: { authorization: `Bearer ${INGEST_TOKEN}` },
      });
      await harness.request('/bulletins', {
        method: 'POST',
        body: 'x',
        headers: { authorization: 'Bearer wrong-token-wrong-token' },
      });
      harness.standIn.failNext('chat.postMessage', { kind: 'server_error' }, 10);
      await harness.deps.clients.background.chat
        .postMessage({ channel: harness.channelId, text: 'x' })
        .catch(() => undefined);
      await harness.deps.clients.background.chat
        .postMessage({ channel: 'C0MISSING', text: 'x' })
        .catch(() => undefined);
      const logs = harness.logs();
      expect(logs.length).toBeGreaterThan(0);
      expect(logs).toContain('http request headers'); // web-api's debug lines, which carry the Authorization header, did reach the log
      for (const secret of [harness.standIn.botToken, TEST_SIGNING_SECRET, INGEST_TOKEN])
        expect(logs).not.toContain(secret);
    } finally {
      await harness.stop();
    }
  });
});
