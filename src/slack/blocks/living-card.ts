/**
 * What the card adds once a decision lives on after its call: "facts changed since the call" with the owner's two
 * answers (confirm the call, or revise it in the call form), the plan's progress, the provider requests, closing.
 */
import type { KnownBlock } from '@slack/types';
import type { DecisionState } from '../../decisions/decision-model';
import { latestAnswer } from '../../app/contract';
import { ActionIds } from '../action-ids';
import { escapeAndTruncate, escapeMrkdwn } from '../escape-mrkdwn';
import { formatTime } from './labels';

export function livingBlocks(state: DecisionState, timeZone: string): KnownBlock[] {
  const living = state.living;
  if (!living) return [];
  const blocks: KnownBlock[] = [];
  if (living.closed)
    blocks.push(
      section(`*Closed* ${formatTime(living.closed.at, timeZone)}: ${escapeAndTruncate(living.closed.line, 500)}`),
    );
  if (living.factsChanged && state.call) {
    blocks.push(
      section(
        `:warning: *Facts changed since the call* (${formatTime(living.factsChanged.at, timeZone)}): ${escapeAndTruncate(living.factsChanged.summary, 1500)}\nThe decision owner confirms the call or revises it.`,
      ),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ActionIds.confirmCall,
            text: { type: 'plain_text', text: 'Confirm the call' },
            style: 'primary',
            value: state.id,
          },
          {
            type: 'button',
            action_id: ActionIds.makeCall,
            text: { type: 'plain_text', text: 'Revise the call' },
            value: state.id,
          },
        ],
      },
    );
  }
  if (living.progress) {
    const steps = living.progress.steps
      .slice(0, 5)
      .map(
        (s) =>
          `• ${escapeAndTruncate(s.title, 150)}: ${s.status} (${s.resolved} of ${s.of})${s.dueAt ? `, due ${formatTime(s.dueAt, timeZone)}` : ''}`,
      );
    blocks.push(section([`*Progress*: ${escapeAndTruncate(living.progress.line, 500)}`, ...steps].join('\n')));
  }
  if (living.providers.length) {
    const lines = living.providers.map((r) => {
      const answer = latestAnswer(r);
      return `• ${escapeMrkdwn(r.provider)}: ${answer ? `${answer.status}${answer.note ? ` — ${escapeAndTruncate(answer.note, 200)}` : ''}` : 'requested, no answer yet'}${r.dueAt ? ` (due ${formatTime(r.dueAt, timeZone)})` : ''}`;
    });
    blocks.push(section(['*Providers*', ...lines].join('\n')));
  }
  return blocks;
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000), verbatim: true } };
}
