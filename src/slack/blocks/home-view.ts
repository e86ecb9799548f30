/**
 * The App Home tab: open decisions first, then the ones already called, each one line with its channel (no count of
 * positions: what every Home shows alike changes only when a decision is convened, re-assessed, called or closed).
 */
import type { KnownBlock, View } from '@slack/types';
import type { DecisionState } from '../../decisions/decision-model';
import { statusLine } from './command-replies';
import { personalHomeBlocks, type HomeViewer } from './home-personal';

const MAX_LISTED = 40; // a home view holds 100 blocks; leave room for headers and the footer

export function homeView(decisions: DecisionState[], timeZone: string, viewer?: HomeViewer): View {
  const open = decisions.filter((d) => d.status !== 'decided');
  const decided = decisions.filter((d) => d.status === 'decided').reverse();
  const section = (text: string): KnownBlock => ({
    type: 'section',
    text: { type: 'mrkdwn', text: text.slice(0, 3000), verbatim: true },
  });
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'patchcall' } },
    ...(viewer ? personalHomeBlocks(decisions, viewer, timeZone) : []),
    { type: 'header', text: { type: 'plain_text', text: `Open decisions (${open.length})` } },
    ...(open.length
      ? open.slice(0, MAX_LISTED).map((d) => section(statusLine(d, timeZone, { positions: false })))
      : [
          section(
            'No open decisions. `/patch open <bulletin or CVE>` convenes one; `/patch new` types a bulletin in by hand.',
          ),
        ]),
    { type: 'divider' },
    { type: 'header', text: { type: 'plain_text', text: `Decided (${decided.length})` } },
    ...(decided.length
      ? decided.slice(0, MAX_LISTED).map((d) => section(statusLine(d, timeZone, { positions: false })))
      : [section('Nothing decided yet.')]),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: '`/patch help` lists the commands. Every position and call is on the record: `/patch export <id>`.',
        },
      ],
    },
  ];
  return { type: 'home', blocks };
}
