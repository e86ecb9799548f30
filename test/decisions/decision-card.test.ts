import { foldDecision } from '../../src/decisions/apply-decision-event';
import { DecisionEvents } from '../../src/decisions/decision-model';
import { decisionCard } from '../../src/slack/blocks/decision-card';
import { blocksToText } from '../../src/slack/blocks/blocks-to-text';
import { assetsTable } from '../../src/slack/blocks/assets-table';
import { mrkdwnOf, richTextOf } from '../helpers/block-kit';
import { convenedPayload, eventsFrom, PEOPLE, position, sampleAssessment } from './sample-decision';

const HOSTILE = 'Hi <!channel> <@U999> <https://evil|click> & more';

function state(extra: ReturnType<typeof position>[] = [], overrides = {}) {
  return foldDecision(
    'MS08-067',
    eventsFrom([{ type: DecisionEvents.convened, payload: convenedPayload(overrides) }, ...extra]),
  );
}

function allText(blocks: unknown[]): string {
  return JSON.stringify(blocks);
}

const ZONE = 'Europe/Berlin';

describe('the decision card', () => {
  it('shows the bulletin, the assets most exposed first, the recommendation and the buttons', () => {
    const text = blocksToText(decisionCard(state(), undefined, ZONE));
    expect(text).toContain('Out-of-cycle');
    expect(text).toContain('CVE-2008-4250');
    expect(text).toContain('fix KB958644 (restart required)');
    expect(text).toContain('Affected assets: 3');
    expect(text.indexOf('web01')).toBeLessThan(text.indexOf('fs01'));
    expect(text).toContain('Recommended: Immediate — Patch now');
    expect(text).toContain('[Agree] [Propose alternative] [Need more info] [Make the call]');
    expect(text).toContain('[All assets]');
  });

  it('shows who said what for which role, mentions built from ids', () => {
    const blocks = decisionCard(
      state([position(PEOPLE.sys1, ['sysadmin'], 'more-info', 'v1', 'reboot window?')]),
      undefined,
      ZONE,
    );
    expect(blocksToText(blocks)).toContain(`@${PEOPLE.sys1} needs more information: “reboot window?”`);
    expect(allText(blocks)).toContain(`{"type":"user","user_id":"${PEOPLE.sys1}"}`);
  });

  it('escapes bulletin titles, asset names and comments', () => {
    const payload = convenedPayload();
    const blocks = decisionCard(
      state([position(PEOPLE.sec1, ['security'], 'alternative', 'v1', HOSTILE)], {
        bulletin: { ...payload.bulletin, title: HOSTILE },
        assets: [{ ...payload.assets[0]!, name: HOSTILE }],
      }),
      undefined,
      ZONE,
    );
    // mrkdwn escapes the control characters; rich text (title, comments) shows them as written, unparsed
    const mrkdwn = mrkdwnOf(blocks).join('\n');
    expect(mrkdwn).not.toMatch(/<!channel>|<@U999>|<https:\/\/evil/);
    expect(mrkdwn).toContain('Hi &lt;!channel&gt; &lt;@U999&gt; &lt;https://evil|click&gt; &amp; more');
    expect(richTextOf(blocks)).toContain(HOSTILE);
    expect(richTextOf(blocks)).toContain(`“${HOSTILE}”`);
  });

  it('shows formatting characters in comments and titles as written', () => {
    const literal = '*not* _urgent_ ~ever~ `rm -rf`';
    const payload = convenedPayload();
    const blocks = decisionCard(
      state([position(PEOPLE.sec1, ['security'], 'alternative', 'v1', literal)], {
        bulletin: { ...payload.bulletin, title: literal },
      }),
      undefined,
      ZONE,
    );
    expect(mrkdwnOf(blocks).join('\n')).not.toContain('*not*');
    expect(richTextOf(blocks)).toContain(literal);
    expect(richTextOf(blocks)).toContain(`“${literal}”`);
  });

  it('recommends establishing exposure first while assets are unknown, counts them, and keeps the one clock', () => {
    const assessment = sampleAssessment({
      urgency: 'defer',
      recommendedCall: 'establish',
      counts: { immediate: 0, 'out-of-cycle': 0, scheduled: 0, defer: 0 },
      unknown: { count: 2, possiblyAffected: 0, assets: [{ name: 'db01', why: 'no software inventory' }] },
    });
    const text = blocksToText(decisionCard(state([], { assessment }), undefined, ZONE));
    expect(text).toContain(
      '*Recommended: Establish exposure first* (unknown exposure for 2 assets), deadline Fri 24 Oct 2008 18:00 CEST (16:00 UTC)',
    );
    expect(text).not.toContain('Defer');
  });

  it('respects Block Kit limits with many assets', () => {
    const payload = convenedPayload();
    const many = Array.from({ length: 400 }, (_, i) => ({
      ...payload.assets[0]!,
      assetId: `a${i}`,
      name: `server-${i}-${'x'.repeat(60)}`,
    }));
    const s = state([], { assets: many });
    const card = decisionCard(s, undefined, ZONE);
    const table = assetsTable(s, ZONE);
    for (const blocks of [card, table]) {
      expect(blocks.length).toBeLessThanOrEqual(50);
      for (const block of blocks)
        if (block.type === 'section' && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    }
    expect(blocksToText(card)).toContain('…and 394 more');
    expect(blocksToText(table)).toContain('server-399');
  });
});
