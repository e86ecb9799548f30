/**
 * The Slack edge's one error path (src/slack/platform/answer-every-request.ts): whatever kind of request fails,
 * before or after its ack, the person who sent it is answered, and our own errors say what is wrong.
 */
import type { App } from '@slack/bolt';
import { PatchcallError } from '../../../src/common/errors';
import { eventually } from '../flows/decision-flow-setup';
import { startSlackHarness, TEST_USER, type SlackHarness } from '../../helpers/slack-harness';

const FORM_BLOCK = 'reason';

function registerFailingListeners(app: App): void {
  app.command('/fails-before-ack', async () => {
    throw new PatchcallError('NOT_FOUND', 'no decision "X-1" <here>');
  });
  app.command('/fails-after-ack', async ({ ack }) => {
    await ack();
    throw new Error('disk on fire');
  });
  app.action('fails-after-ack', async ({ ack }) => {
    await ack();
    throw new PatchcallError('FORBIDDEN', 'only the owner may press this');
  });
  app.view('fails-before-ack', async () => {
    throw new PatchcallError('BAD_INPUT', 'the reason is too short');
  });
  app.view('fails-after-ack', async ({ ack }) => {
    await ack();
    throw new PatchcallError('CONFLICT', 'someone else decided first');
  });
}

describe('the Slack error path', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ register: registerFailingListeners, logLevel: 'fatal' });
  });
  afterAll(() => h.stop());

  const responseText = (needle: string) =>
    eventually(
      () =>
        h.standIn
          .responses()
          .map((r) => r.body as { text?: string; response_type?: string })
          .find((b) => b.text?.includes(needle)),
      `a response containing "${needle}"`,
    );

  it('answers a command that fails before its ack in the ack itself, escaped', async () => {
    const res = await h.command('', { command: '/fails-before-ack' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ response_type: 'ephemeral', text: 'no decision "X-1" &lt;here&gt;' });
  });

  it('answers a command that fails after its ack through response_url, without internal details', async () => {
    await h.command('', { command: '/fails-after-ack' });
    const answer = await responseText('Something went wrong');
    expect(answer.response_type).toBe('ephemeral');
    expect(JSON.stringify(h.standIn.responses())).not.toContain('disk on fire');
  });

  it('answers a button that fails after its ack to the clicker only', async () => {
    await h.blockAction({ actionId: 'fails-after-ack', value: 'x', messageTs: '1.000001' });
    const answer = await responseText('only the owner may press this');
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
  });

  it('shows a form that fails before its ack the problem under its first field', async () => {
    const res = await h.viewSubmission({
      callbackId: 'fails-before-ack',
      blocks: [{ type: 'input', block_id: FORM_BLOCK, element: { type: 'plain_text_input', action_id: 'text' } }],
    });
    expect(res.json()).toEqual({ response_action: 'errors', errors: { [FORM_BLOCK]: 'the reason is too short' } });
  });

  it('tells the person directly when a form fails after its ack', async () => {
    h.standIn.clearCalls();
    await h.viewSubmission({ callbackId: 'fails-after-ack' });
    const dm = await eventually(
      () => h.standIn.calls('chat.postMessage').find((c) => c.args.channel === TEST_USER.id),
      'a direct message',
    );
    expect(dm.args.text).toBe('someone else decided first');
  });

  it('still answers a command no listener handles', async () => {
    const res = await h.command('', { command: '/nobody-listens' });
    expect(res.json()).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('could not handle') });
  });
});
