/** `/patch assets <id>`: every affected asset with its exposure and the deciding rule, chunked to Block Kit limits. */
import type { KnownBlock } from '@slack/types';
import type { DecisionState } from '../../decisions/decision-model';
import { escapeAndTruncate, escapeMrkdwn } from '../escape-mrkdwn';
import { URGENCY_LABELS, formatTime } from './labels';

const SECTION_MAX = 3000;
/** An ephemeral message holds 50 blocks; the header and the closing context take two. */
const MAX_SECTIONS = 48;

export function assetsTable(state: DecisionState, timeZone: string): KnownBlock[] {
  const byId = new Map(state.exposures.map((e) => [e.assetId, e]));
  const entries = state.assets.map((a) => {
    const exposure = byId.get(a.assetId);
    const paths = exposure
      ? exposure.ports.flatMap((p) =>
          p.reachableFrom.map((z) => {
            const step = z.path.find((s) => s.verdict === 'accept' && s.rule) ?? z.path[z.path.length - 1];
            const rule = step?.rule
              ? ` via ${escapeAndTruncate(step.filter, 40)} rule ${step.rule.number} \`${escapeAndTruncate(step.rule.text, 120)}\``
              : '';
            return `    ${p.protocol}/${p.port} from ${escapeMrkdwn(z.zone)}${rule}`;
          }),
        )
      : [];
    return [
      `*${escapeAndTruncate(a.name, 80)}* — exposure ${a.exposure}${a.publiclyExposed ? ' (internet)' : ''} — ${URGENCY_LABELS[a.urgency]}${a.deadline ? `, due ${formatTime(a.deadline, timeZone)}` : ''}`,
      ...(paths.length ? paths.slice(0, 6) : a.reach ? [`    ${escapeAndTruncate(a.reach, 300)}`] : []),
    ].join('\n');
  });
  const chunks: string[] = [];
  for (const entry of entries) {
    const last = chunks[chunks.length - 1];
    if (last !== undefined && last.length + 1 + entry.length <= SECTION_MAX)
      chunks[chunks.length - 1] = `${last}\n${entry}`;
    else chunks.push(entry.slice(0, SECTION_MAX));
  }
  const shown = chunks.slice(0, MAX_SECTIONS);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `Affected assets: ${state.bulletinId}`.slice(0, 150) } },
    ...shown.map((text): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } })),
  ];
  const note =
    chunks.length > MAX_SECTIONS
      ? `Showing part of ${state.assets.length} assets; \`patchcall assets\` lists them all.`
      : `${state.assets.length} assets, most exposed first.`;
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: note }] });
  return blocks;
}
