/** The card's buttons: agree records at once; the other positions and the call open a modal; assets are listed. */
import type { App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ActionIds } from '../action-ids';
import { assetsTable } from '../blocks/assets-table';
import { callModal } from '../blocks/call-modal';
import { DecisionNotes } from '../blocks/decision-notes';
import { positionModal } from '../blocks/position-modal';
import { afterPendingAcks } from './after-ack';
import { refreshCard, type DecisionServices } from './decision-services';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction>;

/** Slack's id of one click by one person: a retried delivery of the same click records nothing twice. */
const clickKey = (action: BlockButtonAction['actions'][number], userId: string) =>
  `action:${action.action_ts}:${userId}`;

export function registerDecisionActions(app: App, services: DecisionServices): void {
  const { deps, gateway } = services;
  // answered through response_url: it reaches the clicker even when they are not a member of the channel
  const respondTo = new WeakMap<BlockButtonAction, ButtonArgs['respond']>();
  const note = async (body: BlockButtonAction, text: string) => {
    await respondTo.get(body)?.({ response_type: 'ephemeral', replace_original: false, text });
  };
  // a failure after the ack reaches the clicker through the app's one error path
  const guarded = (handler: (args: ButtonArgs) => Promise<void>) => async (args: ButtonArgs) => {
    await args.ack();
    respondTo.set(args.body, args.respond);
    await afterPendingAcks();
    await handler(args);
  };

  app.action<BlockButtonAction>(
    ActionIds.agree,
    guarded(async ({ body, action }) => {
      const result = await deps.patchcall.recordPosition(
        { decisionId: action.value!, userId: body.user.id, stance: 'agree', key: clickKey(action, body.user.id) },
        services.currentMembers,
      );
      if (result.kind === 'recorded') {
        await refreshCard(services, result.state);
        await note(body, DecisionNotes.positionRecorded('agree', result.roles));
      } else if (result.kind === 'refused') await note(body, DecisionNotes.positionRefused(result.state));
      else if (result.kind === 'decided') await note(body, DecisionNotes.positionsClosed(result.state));
    }),
  );

  for (const [actionId, stance] of [
    [ActionIds.proposeAlternative, 'alternative'],
    [ActionIds.needMoreInfo, 'more-info'],
  ] as const) {
    app.action<BlockButtonAction>(
      actionId,
      guarded(async ({ body, action }) => {
        const gate = await deps.patchcall.checkPositionAllowed(
          { decisionId: action.value!, userId: body.user.id, key: clickKey(action, body.user.id) },
          services.currentMembers,
        );
        if (gate.kind === 'decided') return void (await note(body, DecisionNotes.positionsClosed(gate.state)));
        if (gate.kind === 'refused') return void (await note(body, DecisionNotes.positionRefused(gate.state)));
        await gateway.openModal(
          body.trigger_id,
          positionModal({ decisionId: gate.state.id, stance }, gate.state.bulletin?.title ?? gate.state.id),
        );
      }),
    );
  }

  app.action<BlockButtonAction>(
    ActionIds.makeCall,
    guarded(async ({ body, action }) => {
      const gate = await deps.patchcall.checkCallAllowed(
        { decisionId: action.value!, userId: body.user.id, key: clickKey(action, body.user.id) },
        services.currentMembers,
      );
      if (gate.kind === 'decided') return void (await note(body, DecisionNotes.callAlreadyMade(gate.state)));
      if (gate.kind === 'refused') return void (await note(body, DecisionNotes.callRefused(gate.state)));
      await gateway.openModal(
        body.trigger_id,
        callModal(gate.state.id, gate.state.assessment!.summary.recommendedCall, gate.quorum),
      );
    }),
  );

  app.action<BlockButtonAction>(
    ActionIds.showAssets,
    guarded(async ({ body, action }) => {
      await gateway.ephemeral(
        body.channel?.id ?? body.container.channel_id,
        body.user.id,
        assetsTable(deps.patchcall.findDecision(action.value!), deps.patchcall.displayTimeZone()),
      );
    }),
  );
}
