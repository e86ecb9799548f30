/**
 * The card's buttons. Whatever a click changes (a position, a refusal) is appended to the log before Slack gets
 * its ack; the card, the modal and the answer come after it. No role check waits on Slack: user groups come from
 * the membership cache. A failure before or after the ack reaches the clicker through the app's one error path.
 */
import type { App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ActionIds } from '../action-ids';
import { assetsTable } from '../blocks/assets-table';
import { callModal } from '../blocks/call-modal';
import { DecisionNotes } from '../blocks/decision-notes';
import { positionModal } from '../blocks/position-modal';
import { afterPendingAcks } from './after-ack';
import type { DecisionServices } from './decision-services';
import { openModal } from './tell-user';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction>;

/** Slack's id of one click by one person: a retried delivery of the same click records nothing twice. */
const clickKey = (action: BlockButtonAction['actions'][number], userId: string) =>
  `action:${action.action_ts}:${userId}`;

/** The part of a click that runs after its ack. */
type AfterAck = () => Promise<unknown>;

/** Runs the part that writes the log, acks, then the rest (`opensModal`: before other work). */
const button =
  (handler: (args: ButtonArgs, key: string) => AfterAck | Promise<AfterAck>, opensModal = false) =>
  async (args: ButtonArgs) => {
    const after = await handler(args, clickKey(args.action, args.body.user.id));
    await args.ack();
    await afterPendingAcks(opensModal);
    await after();
  };

// answered through response_url: it reaches the clicker even when they are not a member of the channel
const note = (args: ButtonArgs, text: string) => () =>
  args.respond({ response_type: 'ephemeral', replace_original: false, text });

export function registerDecisionActions(app: App, services: DecisionServices): void {
  const { deps, gateway, currentMembers } = services;
  const { patchcall } = deps;

  app.action<BlockButtonAction>(ActionIds.agree, button(agreeClick(services)));

  for (const [actionId, stance] of [
    [ActionIds.proposeAlternative, 'alternative'],
    [ActionIds.needMoreInfo, 'more-info'],
  ] as const) {
    app.action<BlockButtonAction>(
      actionId,
      button(async (args, key) => {
        const gate = await patchcall.checkPositionAllowed(
          { decisionId: args.action.value!, userId: args.body.user.id, key },
          currentMembers,
        );
        if (gate.kind === 'decided') return note(args, DecisionNotes.positionsClosed(gate.state));
        if (gate.kind === 'refused') {
          deps.outbox.nudge(gate.state.id);
          return note(args, DecisionNotes.positionRefused(gate.state));
        }
        const view = positionModal({ decisionId: gate.state.id, stance }, gate.state.bulletin?.title ?? gate.state.id);
        return () => openModal(deps, args.body.trigger_id, view);
      }, true),
    );
  }

  app.action<BlockButtonAction>(
    ActionIds.makeCall,
    button(async (args, key) => {
      const gate = await patchcall.checkCallAllowed(
        { decisionId: args.action.value!, userId: args.body.user.id, key },
        currentMembers,
      );
      if (gate.kind === 'decided') return note(args, DecisionNotes.callAlreadyMade(gate.state));
      if (gate.kind === 'refused') {
        deps.outbox.nudge(gate.state.id);
        return note(args, DecisionNotes.callRefused(gate.state));
      }
      const view = callModal(gate.state.id, gate.state.assessment!.summary.recommendedCall, gate.quorum);
      return () => openModal(deps, args.body.trigger_id, view);
    }, true),
  );

  app.action<BlockButtonAction>(
    ActionIds.showAssets,
    button((args) => {
      const table = assetsTable(patchcall.findDecision(args.action.value!), patchcall.displayTimeZone());
      return () => gateway.ephemeral(args.body.channel?.id ?? args.body.container.channel_id, args.body.user.id, table);
    }),
  );
}

/** Agree: appended (recorded, refused or pending a role check) before the ack; the card and the answer after it. */
function agreeClick({ deps, currentMembers }: DecisionServices) {
  const { patchcall } = deps;
  return async (args: ButtonArgs, key: string): Promise<AfterAck> => {
    const result = await patchcall.recordPosition(
      { decisionId: args.action.value!, userId: args.body.user.id, stance: 'agree', key },
      currentMembers,
    );
    if (result.kind === 'recorded') {
      // after the ack: a nudge starts the card update, whose rendering would otherwise run before it
      const answer = note(args, DecisionNotes.positionRecorded('agree', result.roles));
      return () => (deps.outbox.nudge(result.state.id), answer());
    }
    if (result.kind === 'refused') {
      // a refusal is in the log too: the outbox names a first-time actor from it
      const answer = note(args, DecisionNotes.positionRefused(result.state));
      return () => (deps.outbox.nudge(result.state.id), answer());
    }
    if (result.kind === 'decided') return note(args, DecisionNotes.positionsClosed(result.state));
    if (result.kind === 'pending') {
      const answer = note(args, DecisionNotes.positionPending(result.state));
      return () => (deps.roleChecks.nudge(), deps.outbox.nudge(result.state.id), answer());
    }
    return async () => undefined;
  };
}
