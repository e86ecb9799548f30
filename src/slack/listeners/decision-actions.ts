/** The card's buttons: agree records at once; the other positions and the call open a modal; assets are listed. */
import { displayTimeZone } from '../../app/display-zone';
import type { App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { findDecision } from '../../app/decision-log';
import { recordPosition } from '../../app/decision-positions';
import { callerRole, refuseCall } from '../../app/decision-call';
import { rolesHeld, speakingRoles } from '../../decisions/apply-roster-event';
import { checkQuorum } from '../../decisions/check-quorum';
import { DecisionEvents, type RefusedPayload } from '../../decisions/decision-model';
import { appendDecisionEvent } from '../../app/decision-log';
import { ActionIds } from '../action-ids';
import { assetsTable } from '../blocks/assets-table';
import { callModal } from '../blocks/call-modal';
import { STANCE_LABELS } from '../blocks/labels';
import { positionModal } from '../blocks/position-modal';
import { afterPendingAcks } from './after-ack';
import { refreshCard, type DecisionServices } from './decision-services';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction>;

export function registerDecisionActions(app: App, services: DecisionServices): void {
  const { deps, gateway } = services;
  // answered through response_url: it reaches the clicker even when they are not a member of the channel
  const respondTo = new WeakMap<BlockButtonAction, ButtonArgs['respond']>();
  const note = async (body: BlockButtonAction, text: string) => {
    await respondTo.get(body)?.({ response_type: 'ephemeral', replace_original: false, text });
  };
  const guarded = (handler: (args: ButtonArgs) => Promise<void>) => async (args: ButtonArgs) => {
    await args.ack();
    respondTo.set(args.body, args.respond);
    try {
      await afterPendingAcks();
      await handler(args);
    } catch (error) {
      deps.logger.error({ err: (error as Error).message, action: args.action.action_id }, 'decision button failed');
    }
  };

  app.action<BlockButtonAction>(
    ActionIds.agree,
    guarded(async ({ body, action }) => {
      const result = await recordPosition(
        deps.ctx,
        {
          decisionId: action.value!,
          userId: body.user.id,
          stance: 'agree',
          key: `action:${action.action_ts}:${body.user.id}`,
        },
        services.currentMembers,
      );
      if (result.kind === 'recorded') {
        await refreshCard(services, result.state);
        await note(body, `Recorded: you ${STANCE_LABELS.agree} (${result.roles.join(', ')}).`);
      } else if (result.kind === 'refused') {
        await note(
          body,
          `You cannot take a position on ${result.state.id}: only members of security, network or the sysadmins can. Your attempt has been recorded.`,
        );
      } else if (result.kind === 'decided') {
        await note(body, `The call on ${result.state.id} has been made; positions are closed.`);
      }
    }),
  );

  for (const [actionId, stance] of [
    [ActionIds.proposeAlternative, 'alternative'],
    [ActionIds.needMoreInfo, 'more-info'],
  ] as const) {
    app.action<BlockButtonAction>(
      actionId,
      guarded(async ({ body, action }) => {
        let state = findDecision(deps.ctx, action.value!);
        if (state.status === 'decided')
          return void (await note(body, `The call on ${state.id} has been made; positions are closed.`));
        let roles = speakingRoles(rolesHeld(body.user.id, state.members));
        if (roles.length === 0)
          roles = speakingRoles(rolesHeld(body.user.id, state.members, await services.currentMembers()));
        if (roles.length === 0) {
          const key = `action:${action.action_ts}:${body.user.id}`;
          state = findDecision(deps.ctx, state.id);
          if (!state.keys.includes(key)) {
            appendDecisionEvent<RefusedPayload>(deps.ctx, state, DecisionEvents.refused, body.user.id, {
              userId: body.user.id,
              attempted: 'position',
              reason: 'holds none of the roles security, network or sysadmin for this decision',
              key,
            });
          }
          return void (await note(
            body,
            `You cannot take a position on ${state.id}: only members of security, network or the sysadmins can. Your attempt has been recorded.`,
          ));
        }
        await gateway.openModal(
          body.trigger_id,
          positionModal({ decisionId: state.id, stance }, state.bulletin?.title ?? state.id),
        );
      }),
    );
  }

  app.action<BlockButtonAction>(
    ActionIds.makeCall,
    guarded(async ({ body, action }) => {
      const state = findDecision(deps.ctx, action.value!);
      if (state.status === 'decided') return void (await note(body, `The call on ${state.id} has already been made.`));
      const as = await callerRole(state, body.user.id, services.currentMembers);
      if (!as) {
        refuseCall(
          deps.ctx,
          findDecision(deps.ctx, state.id),
          body.user.id,
          `action:${action.action_ts}:${body.user.id}`,
        );
        return void (await note(
          body,
          `Only the decision owner or the delegate can make the call on ${state.id}. Your attempt has been recorded.`,
        ));
      }
      const recommended = state.assessment!.summary.recommendedCall;
      await gateway.openModal(
        body.trigger_id,
        callModal(state.id, recommended, checkQuorum(state, services.policy, recommended)),
      );
    }),
  );

  app.action<BlockButtonAction>(
    ActionIds.showAssets,
    guarded(async ({ body, action }) => {
      await gateway.ephemeral(
        body.channel?.id ?? body.container.channel_id,
        body.user.id,
        assetsTable(findDecision(deps.ctx, action.value!), displayTimeZone(deps.ctx.rulesDir)),
      );
    }),
  );
}
