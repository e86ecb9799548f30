/**
 * Modal submissions: a position with its comment, and the call (rationale required; reason required without
 * quorum). Each is appended to the log before the ack; the card, the call message and its pin follow through the
 * outbox, and the answer to the person after the ack.
 */
import type { App } from '@slack/bolt';
import { CALL_OUTCOMES, type DecisionState } from '../../decisions/decision-model';
import type { CallOutcome } from '../../risk/model';
import { ActionIds, BlockIds, CallbackIds } from '../action-ids';
import { DecisionNotes } from '../blocks/decision-notes';
import { readCallMetadata } from '../blocks/call-modal';
import { readPositionMetadata } from '../blocks/position-modal';
import { postAnchor } from '../audit-anchors';
import { afterPendingAcks } from './after-ack';
import type { DecisionServices } from './decision-services';
import { tell } from './tell-user';

type StateValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value: string } | null }>
>;

export function registerDecisionViews(app: App, services: DecisionServices): void {
  const { deps, currentMembers } = services;
  const { patchcall } = deps;
  // a form has no response_url: ephemeral in the decision channel, else a direct message
  const note = (state: DecisionState, user: string, text: string) =>
    tell(deps, { user, ...(state.channel ? { channel: state.channel.id } : {}) }, text);

  app.view(CallbackIds.position, async ({ ack, body, view }) => {
    const values = view.state.values as StateValues;
    const comment = values[BlockIds.comment]?.[ActionIds.text]?.value?.trim() ?? '';
    if (comment === '')
      return void (await ack({
        response_action: 'errors',
        errors: { [BlockIds.comment]: 'A comment is required: say what you propose or what you need to know.' },
      }));
    const meta = readPositionMetadata(view.private_metadata);
    const result = patchcall.recordPosition(
      {
        decisionId: meta.decisionId,
        userId: body.user.id,
        stance: meta.stance,
        comment,
        key: `view:${view.id}:${body.user.id}`,
      },
      currentMembers,
    );
    await ack();
    await afterPendingAcks();
    if (result.kind === 'recorded') {
      deps.outbox.nudge(result.state.id);
      await note(result.state, body.user.id, DecisionNotes.positionRecorded(meta.stance, result.roles));
    } else if (result.kind === 'refused')
      await note(result.state, body.user.id, DecisionNotes.positionRefused(result.state));
    else if (result.kind === 'decided')
      await note(result.state, body.user.id, DecisionNotes.positionsClosed(result.state));
  });

  app.view(CallbackIds.call, async ({ ack, body, view }) => {
    const values = view.state.values as StateValues;
    const outcome = values[BlockIds.outcome]?.[ActionIds.callOutcome]?.selected_option?.value as
      CallOutcome | undefined;
    const rationale = values[BlockIds.rationale]?.[ActionIds.text]?.value?.trim() ?? '';
    const overrideReason = values[BlockIds.override]?.[ActionIds.text]?.value?.trim() ?? '';
    const errors: Record<string, string> = {};
    if (!outcome || !CALL_OUTCOMES.includes(outcome)) errors[BlockIds.outcome] = 'Choose the call.';
    if (rationale === '') errors[BlockIds.rationale] = 'A rationale is required: it goes on the record.';
    if (Object.keys(errors).length) return void (await ack({ response_action: 'errors', errors }));
    const meta = readCallMetadata(view.private_metadata);
    const result = patchcall.makeCall(
      {
        decisionId: meta.decisionId,
        userId: body.user.id,
        outcome: outcome!,
        rationale,
        ...(overrideReason ? { overrideReason } : {}),
        key: `view:${view.id}:${body.user.id}`,
      },
      currentMembers,
    );
    if (result.kind === 'needs-override') {
      return void (await ack({
        response_action: 'errors',
        errors: {
          [BlockIds.override]: `${result.quorum.summary}. Give the reason to call without quorum.`.slice(0, 150),
        },
      }));
    }
    await ack();
    await afterPendingAcks();
    if (result.kind === 'refused')
      return void (await note(result.state, body.user.id, DecisionNotes.callRefused(result.state)));
    if (result.kind === 'decided')
      return void (await note(result.state, body.user.id, DecisionNotes.callAlreadyMade(result.state)));
    if (result.kind !== 'called') return;
    // the call message, its pin and the final card come from the log through the outbox
    deps.outbox.nudge(result.state.id);
    await postAnchor(deps, 'call').catch((error: Error) =>
      deps.logger.warn(
        { decision: result.state.id, err: error.message },
        'posting the anchor failed; the daily one will cover it',
      ),
    );
  });
}
