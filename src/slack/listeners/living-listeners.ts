/**
 * The Slack side of a decision that lives on after its call: the owner confirms the call after the facts changed
 * (the card's [Confirm the call]; [Revise the call] opens the existing call form), and `/patch provider` records a
 * provider's answer. Each writes the log first and nudges the outbox, which posts the notice in the channel.
 */
import type { App, BlockButtonAction } from '@slack/bolt';
import { ActionIds } from '../action-ids';
import type { DecisionServices } from './decision-services';
import { afterPendingAcks } from './after-ack';

export function registerLivingActions(app: App, services: DecisionServices): void {
  const { deps, currentMembers } = services;
  app.action<BlockButtonAction>(ActionIds.confirmCall, async ({ action, body, ack, respond }) => {
    const result = await deps.patchcall.confirmCall(
      { decisionId: action.value!, userId: body.user.id, key: `action:${action.action_ts}:${body.user.id}` },
      currentMembers,
    );
    await ack();
    await afterPendingAcks();
    if (result.kind === 'confirmed') deps.outbox.nudge(result.state.id);
    const text =
      result.kind === 'confirmed'
        ? 'The call stands: your confirmation is recorded and posted in the channel.'
        : result.kind === 'refused'
          ? `Not recorded: ${result.reason}.`
          : 'There is no change of facts waiting for a confirmation.';
    await respond({ response_type: 'ephemeral', replace_original: false, text });
  });
}

/** `/patch provider <decision> <status> <note>`: the answer is in the log before the reply. */
export async function providerAnswer(
  services: DecisionServices,
  request: { decision: string; status: string; note: string; userId: string; key: string },
): Promise<string> {
  const { deps } = services;
  const result = await deps.patchcall.recordProviderAnswer({
    decisionId: request.decision,
    userId: request.userId,
    status: request.status,
    note: request.note,
    key: request.key,
  });
  if (result.kind === 'refused') return `Not recorded: ${result.reason}.`;
  deps.outbox.nudge(result.state.id);
  return result.kind === 'duplicate'
    ? `Already recorded for ${result.provider}.`
    : `Recorded: ${result.provider} ${request.status.toLowerCase()}. It is posted in the decision channel.`;
}
