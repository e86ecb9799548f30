import { main } from '../../../src/slack/main';
import { readSlackConfig } from '../../../src/slack/slack-config';
import { startLocalSlackStandIn } from '../../../dev/local-slack-stand-in';

const valid = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'secret' };

describe('readSlackConfig', () => {
  it('reads HTTP mode with defaults', () => {
    const config = readSlackConfig(valid);
    expect(config).toMatchObject({ mode: 'http', port: 3000, slackApiUrl: 'https://slack.com/api/', admins: [] });
    expect(config.ingestToken).toBeUndefined();
  });

  it('selects Socket Mode when SLACK_APP_TOKEN is set, without a signing secret', () => {
    expect(readSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A-2-x' }).mode).toBe('socket');
  });

  it('reads every optional setting', () => {
    const config = readSlackConfig({
      ...valid,
      PORT: '8080',
      SLACK_API_URL: 'http://127.0.0.1:9999/api/',
      PATCHCALL_INGEST_TOKEN: 'a-long-random-ingest-token',
      PATCHCALL_ADMINS: 'U012ABC, W0XYZ',
      PATCHCALL_AUDIT_CHANNEL: '#patch-audit',
      PATCHCALL_DB: '/tmp/x.db',
    });
    expect(config).toMatchObject({
      port: 8080,
      slackApiUrl: 'http://127.0.0.1:9999/api/',
      ingestToken: 'a-long-random-ingest-token',
      admins: ['U012ABC', 'W0XYZ'],
      auditChannel: 'patch-audit',
      dbPath: '/tmp/x.db',
    });
  });

  it.each([
    [{ SLACK_SIGNING_SECRET: 'secret' }, 'SLACK_BOT_TOKEN'],
    [{ SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_SIGNING_SECRET: 's' }, 'SLACK_BOT_TOKEN'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-wrong' }, 'SLACK_APP_TOKEN'],
    [{ ...valid, PORT: 'eighty' }, 'PORT'],
    [{ ...valid, PORT: '70000' }, 'PORT'],
    [{ ...valid, SLACK_API_URL: 'https://slack.com/' }, 'SLACK_API_URL'],
    [{ ...valid, SLACK_API_URL: 'not a url' }, 'SLACK_API_URL'],
    [{ ...valid, PATCHCALL_ADMINS: 'U123,alice' }, 'PATCHCALL_ADMINS'],
    [{ ...valid, PATCHCALL_INGEST_TOKEN: 'short' }, 'PATCHCALL_INGEST_TOKEN'],
    [{ ...valid, PATCHCALL_AUDIT_CHANNEL: 'Not A Channel!' }, 'PATCHCALL_AUDIT_CHANNEL'],
    [{ ...valid, PATCHCALL_MAX_INPUT_MB: '-1' }, 'PATCHCALL_MAX_INPUT_MB'],
  ])('names the variable that is wrong: %j → %s', (env, variable) => {
    expect(() => readSlackConfig(env)).toThrow(
      expect.objectContaining({ code: 'CONFIG', message: expect.stringContaining(variable) }),
    );
  });
});

describe('npm start (main)', () => {
  it('without any Slack token says what it needs, points to the demo and exits 2', async () => {
    let stderr = '';
    const code = await main({}, (text) => (stderr += text));
    expect(code).toBe(2);
    expect(stderr).toMatch(/SLACK_BOT_TOKEN/);
    expect(stderr).toMatch(/npm run demo/);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('with a malformed setting names it and exits 2', async () => {
    let stderr = '';
    const code = await main({ ...valid, PATCHCALL_ADMINS: 'bob' }, (text) => (stderr += text));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^patchcall: PATCHCALL_ADMINS/);
  });

  it('with a token Slack refuses says so and exits 2', async () => {
    const standIn = await startLocalSlackStandIn();
    try {
      let stderr = '';
      const code = await main(
        {
          SLACK_BOT_TOKEN: 'xoxb-revoked',
          SLACK_SIGNING_SECRET: 's',
          SLACK_API_URL: standIn.apiUrl,
          PATCHCALL_DB: ':memory:',
          PORT: '0',
          LOG_LEVEL: 'silent',
        },
        (text) => (stderr += text),
      );
      expect(code).toBe(2);
      expect(stderr).toMatch(/Slack refused SLACK_BOT_TOKEN \(auth.test answered "invalid_auth"/);
    } finally {
      await standIn.stop();
    }
  });

  it('when the Web API cannot be reached names SLACK_API_URL and exits 2', async () => {
    let stderr = '';
    // nothing listens on port 9 (discard) of the loopback address
    const code = await main(
      { ...valid, SLACK_API_URL: 'http://127.0.0.1:9/api/', PATCHCALL_DB: ':memory:', PORT: '0', LOG_LEVEL: 'silent' },
      (text) => (stderr += text),
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot reach the Slack Web API at http:\/\/127.0.0.1:9\/api\/ \(check SLACK_API_URL/);
  });
});
