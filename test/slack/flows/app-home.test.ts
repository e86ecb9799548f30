import { loadDecision } from '../../../src/app/decision-log';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import type { SlackHarness } from '../../helpers/slack-harness';
import { startDecisionHarness, eventually } from './decision-flow-setup';

describe('the App Home tab', () => {
  let h: SlackHarness;
  afterEach(async () => h?.stop());

  it('lists the open decisions with their channel when someone opens it', async () => {
    h = await startDecisionHarness();
    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
    const response = await h.event({
      type: 'app_home_opened',
      user: PEOPLE.sec1,
      channel: 'D0HOME',
      tab: 'home',
      event_ts: '1224777600.000100',
    });
    expect(response.status).toBe(200);
    const home = await eventually(() => h.standIn.homeView(PEOPLE.sec1), 'the published home view');
    const text = blocksToText(home.view.blocks as never);
    expect(text).toContain('Open decisions (1)');
    expect(text).toContain('MS08-067');
    expect(text).toContain(`<#${loadDecision(h.ctx, 'MS08-067').channel!.id}>`);
  });
});
