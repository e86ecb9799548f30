/**
 * One clock: a deadline in summer and one in winter, in a non-UTC organization zone, rendered by every surface a
 * person reads (card, topic, status reply, App Home, assets table, CLI assess, the report in Markdown and HTML, the
 * timeline sentence). Each must show the same words, with the offset of the date itself.
 */
import { renderAssessment } from '../../src/cli/commands/assess';
import { formatTime, isoUtc, zoneAbbreviation } from '../../src/common/time-format';
import { describeDecisionEvent } from '../../src/audit/describe-decision-event';
import { renderRecord } from '../../src/audit/render-record';
import { foldDecision } from '../../src/decisions/apply-decision-event';
import { DecisionEvents } from '../../src/decisions/decision-model';
import { topicFor } from '../../src/decisions/slack-effects';
import { assetsTable } from '../../src/slack/blocks/assets-table';
import { blocksToText } from '../../src/slack/blocks/blocks-to-text';
import { statusLine } from '../../src/slack/blocks/command-replies';
import { decisionCard } from '../../src/slack/blocks/decision-card';
import { homeView } from '../../src/slack/blocks/home-view';
import { convenedPayload, eventsFrom, sampleAssessment } from '../decisions/sample-decision';
import { sampleRecord } from './sample-record';

const ZONE = 'Europe/Berlin';

describe('the one clock', () => {
  it('formats with the abbreviation and offset of the date itself, UTC beside it', () => {
    expect(formatTime('2008-10-24T18:30:00Z', ZONE)).toBe('Fri 24 Oct 2008 20:30 CEST (18:30 UTC)');
    expect(formatTime('2008-11-24T18:30:00Z', ZONE)).toBe('Mon 24 Nov 2008 19:30 CET (18:30 UTC)');
    // an offset written for the wrong season names the same instant, shown with the right one
    expect(formatTime('2008-11-03T12:00:00+02:00', ZONE)).toBe('Mon 3 Nov 2008 11:00 CET (10:00 UTC)');
    expect(formatTime('2008-10-24T23:30:00Z', ZONE)).toBe('Sat 25 Oct 2008 01:30 CEST (Fri 24 Oct 23:30 UTC)');
    expect(formatTime('2008-10-24T18:30:00Z', 'UTC')).toBe('Fri 24 Oct 2008 18:30 UTC');
    expect(formatTime('2008-12-24T18:30:00Z', 'Europe/London')).toBe('Wed 24 Dec 2008 18:30 GMT');
    expect(zoneAbbreviation(new Date('2008-10-24T18:30:00Z'), 'America/New_York')).toBe('EDT');
    expect(zoneAbbreviation(new Date('2008-10-24T18:30:00Z'), 'Asia/Kolkata')).toBe('UTC+5:30');
    expect(isoUtc('2008-10-24T20:30:00+02:00')).toBe('2008-10-24T18:30:00.000Z');
  });

  for (const [season, dueAt, expected] of [
    ['summer', '2008-10-24T20:30:00+02:00', 'Fri 24 Oct 2008 20:30 CEST (18:30 UTC)'],
    ['winter', '2008-11-03T18:30:00Z', 'Mon 3 Nov 2008 19:30 CET (18:30 UTC)'],
  ] as const) {
    it(`every surface shows a ${season} deadline in the same words`, () => {
      const base = sampleAssessment();
      const assessment = {
        ...base,
        summary: { ...base.summary, deadline: { dueAt, reason: 'Immediate: 24 h' } },
        verdicts: base.verdicts.map((v) => ({ ...v, deadline: { dueAt, reason: 'Immediate: 24 h' } })),
      };
      const payload = convenedPayload({ assessment });
      payload.assets = payload.assets.map((a) => ({ ...a, deadline: dueAt }));
      const state = foldDecision('MS08-067', eventsFrom([{ type: DecisionEvents.convened, payload }]));
      const record = { ...sampleRecord(), assessment, timeZone: ZONE };

      const surfaces: Record<string, string> = {
        card: blocksToText(decisionCard(state, undefined, ZONE)),
        topic: topicFor(state, ZONE),
        status: statusLine(state, ZONE),
        appHome: blocksToText(homeView([state], ZONE).blocks),
        assetsTable: blocksToText(assetsTable(state, ZONE)),
        cliAssess: renderAssessment({ colour: false }, assessment, ZONE, false),
        timeline: describeDecisionEvent(DecisionEvents.convened, payload, { timeZone: ZONE }),
        topicTimeline: describeDecisionEvent(
          DecisionEvents.topicSet,
          { channel: 'C1', topic: topicFor(state, ZONE) },
          { timeZone: ZONE, deadline: dueAt },
        ),
        markdown: renderRecord(record, 'md').replace(/\\/g, ''),
        html: renderRecord(record, 'html'),
      };
      for (const [surface, text] of Object.entries(surfaces))
        expect({ surface, shows: text.includes(expected) }).toEqual({ surface, shows: true });
      // the old forms are gone: no zone-less time, no offset, no Berlin time labelled UTC
      const wrong = season === 'summer' ? '2008-10-24 20:30 UTC' : '2008-11-03 19:30';
      for (const [surface, text] of Object.entries(surfaces))
        expect({ surface, wrong: text.includes(wrong) || text.includes(dueAt) }).toEqual({ surface, wrong: false });
    });
  }

  it('the record shows the corrected deadline beside a topic recorded with the old wrong label', () => {
    const summary = describeDecisionEvent(
      DecisionEvents.cardPosted,
      {
        channel: 'C1',
        ts: '1.1',
        topic: 'MS08-067: recommended immediate, deadline 2008-10-24 20:30 UTC.',
        invited: [],
      },
      { timeZone: ZONE, deadline: '2008-10-24T18:30:00.000Z' },
    );
    expect(summary).toContain(
      'topic "MS08-067: recommended immediate, deadline 2008-10-24 20:30 UTC." (recorded text; the deadline is Fri 24 Oct 2008 20:30 CEST (18:30 UTC))',
    );
  });
});
