/** Modal submissions: a position with its comment, and the call (rationale required; reason required without quorum). */
import { displayTimeZone } from '../../app/display-zone';
import type { App } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { makeCall, recordCallPosted } from '../../app/decision-call';
import { postAnchor } from '../audit-anchors';
import { recordPosition } from '../../app/decision-positions';
import { CALL_OUTCOMES } from '../../decisions/decision-model';
import type { CallOutcome } from '../../risk/model';
import { ActionIds, BlockIds, CallbackIds } from '../action-ids';
import { decisionCard } from '../blocks/decision-card';
import { OUTCOME_LABELS, STANCE_LABELS } from '../blocks/labels';
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
  const { deps, gateway } = services;
  const note = (channel: string, user: string, text: string) =>
    gateway.ephemeral(channel, user, [{ type: 'section', text: { type: 'mrkdwn', text } }]);

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
    const result = await recordPosition(
      deps.ctx,
      {
        decisionId: meta.decisionId,
        userId: body.user.id,
        stance: meta.stance,
        comment,
        key: `view:${view.id}:${body.user.id}`,
      },
      services.currentMembers,
    );
    const channel = result.state.channel!.id;
    if (result.kind === 'recorded') {
      await refreshCard(services, result.state);
      await note(channel, body.user.id, `Recorded: you ${STANCE_LABELS[meta.stance]} (${result.roles.join(', ')}).`);
    } else if (result.kind === 'refused') {
      await note(
        channel,
        body.user.id,
        `You cannot take a position on ${result.state.id}. Your attempt has been recorded.`,
      );
    } else if (result.kind === 'decided') {
      await note(channel, body.user.id, `The call on ${result.state.id} has been made; positions are closed.`);
    }
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
    const result = await makeCall(
      deps.ctx,
      {
        decisionId: meta.decisionId,
        userId: body.user.id,
        outcome: outcome!,
        rationale,
        ...(overrideReason ? { overrideReason } : {}),
        key: `view:${view.id}:${body.user.id}`,
      },
      services.policy,
      services.currentMembers,
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
    const channel = result.state.channel!.id;
    if (result.kind === 'refused')
      return void (await note(
        channel,
        body.user.id,
        `Only the decision owner or the delegate can make the call on ${result.state.id}. Your attempt has been recorded.`,
      ));
    if (result.kind !== 'called') return;
    let state = result.state;
    try {
      const callBlocks = decisionCard(state, undefined, displayTimeZone(deps.ctx.rulesDir))
        .filter((b) => b.type === 'section')
        .slice(-1) as KnownBlock[];
      const posted = await gateway.postCall(
        channel,
        [
          { type: 'header', text: { type: 'plain_text', text: `The call on ${state.id}`.slice(0, 150) } },
          ...callBlocks,
        ],
        `The call on ${escapeMrkdwn(state.id)}: ${OUTCOME_LABELS[state.call!.outcome]}`,
      );
      state = recordCallPosted(deps.ctx, state, body.user.id, { channel, ...posted });
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
  });
}
