/**
 * The decision card: the bulletin, the affected assets and their exposure, the recommendation with its reasons,
 * who said what for which role, and the buttons, or, once the call is made, the call in their place.
 * A pure function of the decision's state, so replaying the log renders the same card.
 */
import type { KnownBlock } from '@slack/types';
import type { QuorumResult } from '../../decisions/check-quorum';
import { SPEAKING_ROLES } from '../../app/contract';
import type { DecisionState } from '../../decisions/decision-model';
import type { Assessment } from '../../risk/model';
import { ActionIds, BlockIds } from '../action-ids';
import { escapeAndTruncate, escapeMrkdwn, mentionUser, truncatePlain } from '../escape-mrkdwn';
import { OUTCOME_LABELS, ROLE_LABELS, STANCE_LABELS, URGENCY_LABELS, formatTime } from './labels';
import { livingBlocks } from './living-card';
import { pendingChecksBlocks } from './pending-card';
import { bold, clipText, richText, text, user, type Piece } from './rich-text';

const SECTION_MAX = 3000;
const ASSETS_ON_CARD = 6;
const PLAN_STEPS_ON_CARD = 5;
const REASONS_ON_CARD = 4;

export function decisionCard(state: DecisionState, quorum: QuorumResult | undefined, timeZone: string): KnownBlock[] {
  const { bulletin, assessment } = state;
  // an invariant, not input: the outbox posts a card only for a decision whose convened event holds both
  if (!bulletin || !assessment) throw new Error(`decision ${state.id} has not been convened`);
  return [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncatePlain(`Patch call: ${bulletin.id}${bulletin.vendor ? ` (${bulletin.vendor})` : ''}`, 150),
      },
    },
    // the title is the bulletin's own text: rich text, so its * _ ~ ` show as written
    richText([[bold(clipText(bulletin.title, 300))]]),
    section(bulletinText(bulletin)),
    { type: 'divider' },
    ...assetBlocks(state),
    { type: 'divider' },
    section(recommendationText(assessment.summary, timeZone)),
    ...(assessment.plan.length ? [section(planText(assessment.plan, timeZone))] : []),
    { type: 'divider' },
    positionsBlock(state, timeZone),
    ...pendingChecksBlocks(state),
    ...(state.call ? [callBlock(state, timeZone)] : openCallBlocks(state, quorum)),
    ...livingBlocks(state, timeZone),
    { type: 'context', elements: [{ type: 'mrkdwn', text: contextText(state, timeZone) }] },
  ];
}

/** The release cycle, the CVEs, the fix and what is known of exploitation. */
function bulletinText(bulletin: NonNullable<DecisionState['bulletin']>): string {
  const cycle =
    bulletin.cycle.status === 'out-of-cycle'
      ? '*Out-of-cycle*'
      : bulletin.cycle.status === 'in-cycle'
        ? 'In cycle'
        : 'Release cycle unknown';
  const facts = [
    cycle,
    bulletin.cves.length ? escapeMrkdwn(bulletin.cves.join(', ')) : undefined,
    bulletin.fixIds.length
      ? `fix ${escapeMrkdwn(bulletin.fixIds.join(', '))}${bulletin.restartRequired ? ' (restart required)' : ''}`
      : 'no fix yet',
    escapeAndTruncate(bulletin.exploitation, 400),
  ].filter((part) => part !== undefined);
  return facts.join(' · ');
}

function recommendationText(summary: Assessment['summary'], timeZone: string): string {
  return [
    `*Recommended: ${recommendedCallText(summary)}*${unknownText(summary)}, deadline ${formatTime(summary.deadline.dueAt, timeZone)} (${escapeMrkdwn(summary.deadline.reason)})`,
    escapeAndTruncate(summary.headline, 500),
    ...summary.reasons.slice(0, REASONS_ON_CARD).map((reason) => `• ${escapeAndTruncate(reason, 300)}`),
  ].join('\n');
}

/** "Establish exposure first" stands alone: it is a call no urgency qualifies. */
function recommendedCallText(summary: Assessment['summary']): string {
  return summary.recommendedCall === 'establish'
    ? OUTCOME_LABELS.establish
    : `${URGENCY_LABELS[summary.urgency]} — ${OUTCOME_LABELS[summary.recommendedCall]}`;
}

/** Unknown assets are counted apart from the urgencies, so an unknown is never read as safe. */
function unknownText(summary: Assessment['summary']): string {
  const count = summary.unknown?.count ?? 0;
  return count ? ` (unknown exposure for ${count} asset${count === 1 ? '' : 's'})` : '';
}

function planText(plan: Assessment['plan'], timeZone: string): string {
  const steps = plan.slice(0, PLAN_STEPS_ON_CARD).map((step, i) => {
    const due = step.dueAt ? `, due ${formatTime(step.dueAt, timeZone)}` : '';
    // a title that already names its assets ("Patch now: web01") is not followed by them again
    const named = step.assets.every((name) => step.title.includes(name));
    const assets = step.assets.length && !named ? `: ${escapeAndTruncate(step.assets.join(', '), 200)}` : '';
    return `${i + 1}. ${escapeAndTruncate(step.title, 150)}${assets}${due}`;
  });
  if (plan.length > PLAN_STEPS_ON_CARD) steps.push(`…and ${plan.length - PLAN_STEPS_ON_CARD} more steps`);
  return `*Plan*\n${steps.join('\n')}`;
}

/** While the call is open: the quorum as it stands, and the buttons. */
function openCallBlocks(state: DecisionState, quorum: QuorumResult | undefined): KnownBlock[] {
  const button = (actionId: string, text: string, primary = false) => ({
    type: 'button' as const,
    action_id: actionId,
    text: { type: 'plain_text' as const, text },
    ...(primary ? { style: 'primary' as const } : {}),
    value: state.id,
  });
  return [
    ...(quorum
      ? [
          {
            type: 'context' as const,
            elements: [
              { type: 'mrkdwn' as const, text: `Quorum for the recommended call: ${escapeMrkdwn(quorum.summary)}` },
            ],
          },
        ]
      : []),
    {
      type: 'actions',
      block_id: BlockIds.actions,
      elements: [
        button(ActionIds.agree, 'Agree', true),
        button(ActionIds.proposeAlternative, 'Propose alternative'),
        button(ActionIds.needMoreInfo, 'Need more info'),
        button(ActionIds.makeCall, 'Make the call'),
      ],
    },
  ];
}

/** The notification text of the card message (shown where blocks are not). */
export function decisionCardText(state: DecisionState): string {
  const urgency = state.assessment ? URGENCY_LABELS[state.assessment.summary.urgency] : '';
  return state.call
    ? `Patch call on ${escapeMrkdwn(state.bulletinId)}: ${OUTCOME_LABELS[state.call.outcome]}`
    : `Patch call on ${escapeMrkdwn(state.bulletinId)}: recommended ${urgency}; your position is needed`;
}

function assetBlocks(state: DecisionState): KnownBlock[] {
  const assets = state.assets;
  const count = (predicate: (a: (typeof assets)[number]) => boolean) => assets.filter(predicate).length;
  const exposureCounts = (['open', 'controlled', 'small', 'unknown'] as const)
    .map((level) => [level, count((a) => a.exposure === level)] as const)
    .filter(([, n]) => n > 0)
    .map(([level, n]) => `${n} ${level}`);
  const head = `*Affected assets: ${assets.length}*${exposureCounts.length ? ` — exposure ${exposureCounts.join(', ')}` : ''}${count((a) => a.publiclyExposed) ? ` · ${count((a) => a.publiclyExposed)} reachable from the internet` : ''}`;
  const lines = assets.slice(0, ASSETS_ON_CARD).map((a) => {
    const reach = a.reach ? ` (${escapeAndTruncate(a.reach, 200)})` : '';
    return `• *${escapeAndTruncate(a.name, 80)}* — exposure ${a.exposure}${a.publiclyExposed ? ', internet' : ''}${reach} — ${URGENCY_LABELS[a.urgency]}`;
  });
  const more = assets.length > ASSETS_ON_CARD ? `\n…and ${assets.length - ASSETS_ON_CARD} more` : '';
  return [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: clip([head, ...lines].join('\n') + more), verbatim: true },
      accessory: {
        type: 'button',
        action_id: ActionIds.showAssets,
        text: { type: 'plain_text', text: 'All assets' },
        value: state.id,
      },
    },
  ];
}

function positionsBlock(state: DecisionState, timeZone: string): KnownBlock {
  const positions = Object.values(state.positions).sort((a, b) => a.seq - b.seq);
  const lines = SPEAKING_ROLES.map((role): Piece[] => {
    const spoken = positions.filter((p) => p.roles.includes(role));
    if (spoken.length === 0) return [bold(ROLE_LABELS[role]), text(': no position yet')];
    const said = spoken.flatMap((p, i): Piece[] => [
      ...(i > 0 ? [text('; ')] : []),
      user(p.userId),
      text(
        ` ${STANCE_LABELS[p.stance]}${p.comment ? `: “${clipText(p.comment, 300)}”` : ''} (${formatTime(p.at, timeZone)})`,
      ),
    ]);
    return [bold(ROLE_LABELS[role]), text(': '), ...said];
  });
  return richText([[bold('Positions')], ...lines]);
}

function callBlock(state: DecisionState, timeZone: string): KnownBlock {
  const call = state.call!;
  const against =
    call.outcome !== call.recommendedCall ? ` (recommended: ${OUTCOME_LABELS[call.recommendedCall]})` : '';
  const lines: Piece[][] = [
    [bold(`The call: ${OUTCOME_LABELS[call.outcome]}`), text(against)],
    [
      text('Made by '),
      user(call.by),
      text(` (${call.as === 'owner' ? 'decision owner' : 'delegate'}) at ${formatTime(call.at, timeZone)}`),
    ],
    [text(`“${clipText(call.rationale, 1200)}”`)],
    [text(call.quorumSummary)],
  ];
  if (call.overrideReason) lines.push([text(`Called without quorum because: ${clipText(call.overrideReason, 600)}`)]);
  return richText(lines);
}

/** The message that announces the call in the channel (then pinned). */
export function callMessage(state: DecisionState, timeZone: string): { blocks: KnownBlock[]; text: string } {
  return {
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncatePlain(`The call on ${state.id}`, 150) } },
      callBlock(state, timeZone),
    ],
    text: `The call on ${escapeMrkdwn(state.id)}: ${OUTCOME_LABELS[state.call!.outcome]}`,
  };
}

function contextText(state: DecisionState, timeZone: string): string {
  const s = state.snapshot;
  const parts = [`Decision ${escapeMrkdwn(state.id)}`];
  if (state.convenedBy && /^[UW][A-Z0-9]+$/.test(state.convenedBy))
    parts.push(`convened by ${mentionUser(state.convenedBy)}`);
  if (state.convenedAt) parts.push(formatTime(state.convenedAt, timeZone));
  if (s)
    parts.push(
      `inputs: bulletin rev ${escapeMrkdwn(s.bulletinRevision ?? '?')}, inventory ${s.inventoryHash.slice(0, 8)}, network ${s.exposureInputsHash.slice(0, 8)}, rules ${s.rulebookHash.slice(0, 8)}`,
    );
  return parts.join(' · ');
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text), verbatim: true } };
}

function clip(text: string): string {
  return text.length <= SECTION_MAX ? text : text.slice(0, SECTION_MAX - 1) + '…';
}
