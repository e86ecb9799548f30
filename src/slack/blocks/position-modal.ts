/** The modal for a position other than agreement: the comment is required, and the stance rides in private_metadata. */
import type { View } from '@slack/types';
import type { Stance } from '../../decisions/decision-model';
import { ActionIds, BlockIds, CallbackIds } from '../action-ids';
import { PatchcallError } from '../../common/errors';
import { escapeMrkdwn } from '../escape-mrkdwn';
import { MODAL_METADATA_LOST, readModalMetadata } from './modal-metadata';

export interface PositionModalMetadata {
  decisionId: string;
  stance: Exclude<Stance, 'agree'>;
}

export function positionModal(meta: PositionModalMetadata, bulletinTitle: string): View {
  const alternative = meta.stance === 'alternative';
  return {
    type: 'modal',
    callback_id: CallbackIds.position,
    private_metadata: JSON.stringify(meta),
    title: { type: 'plain_text', text: alternative ? 'Propose alternative' : 'Need more info' },
    submit: { type: 'plain_text', text: 'Record' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${escapeMrkdwn(meta.decisionId)}*: ${escapeMrkdwn(bulletinTitle).slice(0, 2000)}`,
          verbatim: true,
        },
      },
      {
        type: 'input',
        block_id: BlockIds.comment,
        label: {
          type: 'plain_text',
          text: alternative ? 'What do you propose instead, and why?' : 'What do you need to know?',
        },
        element: { type: 'plain_text_input', action_id: ActionIds.text, multiline: true, max_length: 2000 },
      },
    ],
  };
}

export function readPositionMetadata(text: string): PositionModalMetadata {
  const meta = readModalMetadata(text, 'position') as Partial<PositionModalMetadata>;
  if (typeof meta.decisionId !== 'string' || (meta.stance !== 'alternative' && meta.stance !== 'more-info'))
    throw new PatchcallError('BAD_INPUT', MODAL_METADATA_LOST('position'));
  return { decisionId: meta.decisionId, stance: meta.stance };
}
