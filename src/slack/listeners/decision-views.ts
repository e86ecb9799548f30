/** Modal submissions: a position with its comment, and the call (rationale required; reason required without quorum). */
import type { App } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { postAnchor } from '../audit-anchors';
import { CALL_OUTCOMES, type DecisionState } from '../../decisions/decision-model';
import type { CallOutcome } from '../../risk/model';
import { ActionIds, BlockIds, CallbackIds } from '../action-ids';
import { decisionCard } from '../blocks/decision-card';
import { DecisionNotes } from '../blocks/decision-notes';
import { OUTCOME_LABELS } from '../blocks/labels';
import { readCallMetadata } from '../blocks/call-modal';
import { readPositionMetadata } from '../blocks/position-modal';
import { escapeMrkdwn } from '../escape-mrkdwn';
import { afterPendingAcks } from './after-ack';
import { refreshCard, type DecisionServices } from './decision-services';

type StateValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value: string } | null }>
>;

export function registerDecisionViews(app: App, services: DecisionServices): void {
  registerPositionView(app, services);
  registerCallView(app, services);
}

/** An ephemeral note to the person in the decision channel (a modal has no response_url). */
function note(services: DecisionServices, channel: string, user: string, text: string): Promise<void> {
  return services.gateway.ephemeral(channel, user, [{ type: 'section', text: { type: 'mrkdwn', text } }]);
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
    await ack();
    await afterPendingAcks();
    const meta = readPositionMetadata(view.private_metadata);
    const user = body.user.id;
    const result = await services.deps.patchcall.recordPosition(
      { decisionId: meta.decisionId, userId: user, stance: meta.stance, comment, key: `view:${view.id}:${user}` },
      services.currentMembers,
    );
    const channel = result.state.channel!.id;
    if (result.kind === 'recorded') {
      await refreshCard(services, result.state);
      await note(services, channel, user, DecisionNotes.positionRecorded(meta.stance, result.roles));
    } else if (result.kind === 'refused')
      await note(services, channel, user, DecisionNotes.positionRefused(result.state));
    else if (result.kind === 'decided')
      await note(services, channel, user, DecisionNotes.positionsClosed(result.state));
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
    if (result.kind === 'refused')
      return void (await note(services, result.state.channel!.id, user, DecisionNotes.callRefused(result.state)));
    if (result.kind === 'called') await announceCall(services, result.state, user);
  });
}

/**
 * The call is in the log: post and pin it in the channel, anchor the chain head, and update the card. Each step
 * that fails is logged and leaves the others to run; the log already holds the call.
 */
async function announceCall(services: DecisionServices, called: DecisionState, user: string): Promise<void> {
  const { deps, gateway } = services;
  const channel = called.channel!.id;
  let state = called;
  try {
    const callBlocks = decisionCard(state, undefined, deps.patchcall.displayTimeZone())
      .filter((b) => b.type === 'section')
      .slice(-1) as KnownBlock[];
    const posted = await gateway.postCall(
      channel,
      [{ type: 'header', text: { type: 'plain_text', text: `The call on ${state.id}`.slice(0, 150) } }, ...callBlocks],
      `The call on ${escapeMrkdwn(state.id)}: ${OUTCOME_LABELS[state.call!.outcome]}`,
    );
    state = deps.patchcall.recordCallPosted(state, user, { channel, ...posted });
  } catch (error) {
    deps.logger.warn(
      { decision: state.id, err: (error as Error).message },
      'posting the call failed; the call is in the log',
    );
  }
  await postAnchor(deps, 'call').catch((error: Error) =>
    deps.logger.warn(
      { decision: state.id, err: error.message },
      'posting the anchor failed; the daily one will cover it',
    ),
  );
  await refreshCard(services, state);
}
