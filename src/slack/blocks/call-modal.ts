/** The owner's modal: the outcome (the recommendation preselected), a required rationale, and, without quorum, a reason. */
import type { View } from '@slack/types';
import type { QuorumResult } from '../../decisions/check-quorum';
import { CALL_OUTCOMES } from '../../app/contract';
import type { CallOutcome } from '../../risk/model';
import { ActionIds, BlockIds, CallbackIds } from '../action-ids';
import { PatchcallError } from '../../common/errors';
import { escapeMrkdwn } from '../escape-mrkdwn';
import { MODAL_METADATA_LOST, readModalMetadata } from './modal-metadata';
import { OUTCOME_LABELS } from './labels';

export interface CallModalMetadata {
  decisionId: string;
}

export function callModal(decisionId: string, recommended: CallOutcome, quorum: QuorumResult): View {
  const option = (outcome: CallOutcome) => ({
    text: { type: 'plain_text' as const, text: OUTCOME_LABELS[outcome] },
    value: outcome,
  });
  return {
    type: 'modal',
    callback_id: CallbackIds.call,
    private_metadata: JSON.stringify({ decisionId } satisfies CallModalMetadata),
    title: { type: 'plain_text', text: 'Make the call' },
    submit: { type: 'plain_text', text: 'Make the call' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${escapeMrkdwn(decisionId)}* — recommended: *${OUTCOME_LABELS[recommended]}*\n${escapeMrkdwn(quorum.summary)}`,
          verbatim: true,
        },
      },
      {
        type: 'input',
        block_id: BlockIds.outcome,
        label: { type: 'plain_text', text: 'The call' },
        element: {
          type: 'static_select',
          action_id: ActionIds.callOutcome,
          options: CALL_OUTCOMES.map(option),
          initial_option: option(recommended),
        },
      },
      {
        type: 'input',
        block_id: BlockIds.rationale,
        label: { type: 'plain_text', text: 'Rationale (goes on the record)' },
        element: { type: 'plain_text_input', action_id: ActionIds.text, multiline: true, max_length: 2000 },
      },
      {
        type: 'input',
        block_id: BlockIds.override,
        optional: true,
        label: { type: 'plain_text', text: 'Reason to call without quorum' },
        hint: { type: 'plain_text', text: 'Required only when the quorum for the chosen call is not met.' },
        element: { type: 'plain_text_input', action_id: ActionIds.text, multiline: true, max_length: 1000 },
      },
    ],
  };
}

export function readCallMetadata(text: string): CallModalMetadata {
  const meta = readModalMetadata(text, 'call') as Partial<CallModalMetadata>;
  if (typeof meta.decisionId !== 'string') throw new PatchcallError('BAD_INPUT', MODAL_METADATA_LOST('call'));
  return { decisionId: meta.decisionId };
}
