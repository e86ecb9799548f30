/**
 * Modal submissions: a position with its comment, and the call (rationale required; reason required without
 * quorum). Each is appended to the log before the ack; the card, the call message and its pin follow through the
 * outbox, and the answer to the person after the ack.
 */
import type { App } from '@slack/bolt';
import { CALL_OUTCOMES } from '../../app/contract';
import type { DecisionState } from '../../decisions/decision-model';
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
  registerPositionView(app, services);
  registerCallView(app, services);
}

/** A note to the person: a modal has no response_url, so ephemeral in the decision channel, else a direct message. */
function note(services: DecisionServices, state: DecisionState, user: string, text: string): Promise<void> {
  return tell(services.deps, { user, ...(state.channel ? { channel: state.channel.id } : {}) }, text);
}

function registerPositionView(app: App, services: DecisionServices): void {
  app.view(CallbackIds.position, async ({ ack, body, view }) => {
    const values = view.state.values as StateValues;
    const comment = values[BlockIds.comment]?.[ActionIds.text]?.value?.trim() ?? '';
    if (comment === '')
      return void (await ack({
        response_action: 'errors',
        errors: { [BlockIds.comment]: 'A comment is required: say what you propose or what you need to know.' },
      }));
    const meta = readPositionMetadata(view.private_metadata);
    const user = body.user.id;
    // in the log before the ack
    const result = await services.deps.patchcall.recordPosition(
      { decisionId: meta.decisionId, userId: user, stance: meta.stance, comment, key: `view:${view.id}:${user}` },
      services.currentMembers,
    );
    await ack();
    await afterPendingAcks();
    if (result.kind === 'recorded') {
      services.deps.outbox.nudge(result.state.id);
      await note(services, result.state, user, DecisionNotes.positionRecorded(meta.stance, result.roles));
    } else if (result.kind === 'refused') {
      services.deps.outbox.nudge(result.state.id);
      await note(services, result.state, user, DecisionNotes.positionRefused(result.state));
    } else if (result.kind === 'decided')
      await note(services, result.state, user, DecisionNotes.positionsClosed(result.state));
    else if (result.kind === 'pending') {
      services.deps.roleChecks.nudge();
      services.deps.outbox.nudge(result.state.id);
      await note(services, result.state, user, DecisionNotes.positionPending(result.state));
    }
  });
}

/** The call form's fields, or the problems to show under them. */
function readCallForm(
  values: StateValues,
): { outcome: CallOutcome; rationale: string; overrideReason: string } | { errors: Record<string, string> } {
  const outcome = values[BlockIds.outcome]?.[ActionIds.callOutcome]?.selected_option?.value as CallOutcome | undefined;
  const rationale = values[BlockIds.rationale]?.[ActionIds.text]?.value?.trim() ?? '';
  const overrideReason = values[BlockIds.override]?.[ActionIds.text]?.value?.trim() ?? '';
  const errors: Record<string, string> = {};
  if (!outcome || !CALL_OUTCOMES.includes(outcome)) errors[BlockIds.outcome] = 'Choose the call.';
  if (rationale === '') errors[BlockIds.rationale] = 'A rationale is required: it goes on the record.';
  return Object.keys(errors).length ? { errors } : { outcome: outcome!, rationale, overrideReason };
}

function registerCallView(app: App, services: DecisionServices): void {
  app.view(CallbackIds.call, async ({ ack, body, view }) => {
    const form = readCallForm(view.state.values as StateValues);
    if ('errors' in form) return void (await ack({ response_action: 'errors', errors: form.errors }));
    const meta = readCallMetadata(view.private_metadata);
    const user = body.user.id;
    // in the log before the ack
    const result = await services.deps.patchcall.makeCall(
      {
        decisionId: meta.decisionId,
        userId: user,
        outcome: form.outcome,
        rationale: form.rationale,
        ...(form.overrideReason ? { overrideReason: form.overrideReason } : {}),
        key: `view:${view.id}:${user}`,
      },
      services.currentMembers,
    );
    // without quorum the form stays open and asks for the reason; the call is not recorded yet
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
    if (result.kind === 'refused') {
      services.deps.outbox.nudge(result.state.id);
      return void (await note(services, result.state, user, DecisionNotes.callRefused(result.state)));
    }
    if (result.kind === 'decided')
      return void (await note(services, result.state, user, DecisionNotes.callAlreadyMade(result.state)));
    if (result.kind === 'called') announceCall(services, result.state);
    if (result.kind === 'pending') {
      services.deps.roleChecks.nudge();
      services.deps.outbox.nudge(result.state.id);
      await note(services, result.state, user, DecisionNotes.callPending(result.state));
    }
  });
}

/** The call is in the log: the outbox posts and pins it and turns the card final; the chain head is anchored. */
function announceCall(services: DecisionServices, called: DecisionState): void {
  const { deps } = services;
  deps.outbox.nudge(called.id);
  void postAnchor(deps, 'call').catch((error: Error) =>
    deps.logger.warn(
      { decision: called.id, err: error.message },
      'asking for the anchor failed; the daily one will cover it',
    ),
  );
}
