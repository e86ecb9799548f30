/**
 * The card's buttons. Whatever a click changes (a position, a refusal) is appended to the log before Slack gets
 * its ack; the card, the modal and the answer come after it. No role check waits on Slack: user groups come from
 * the membership cache.
 */
import type { App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { callerRole, refuseCall } from '../../app/decision-call';
import { findDecision } from '../../app/decision-log';
import { maySpeak, recordPosition, refusePosition } from '../../app/decision-positions';
import { checkQuorum } from '../../decisions/check-quorum';
import { ActionIds } from '../action-ids';
import { assetsTable } from '../blocks/assets-table';
import { callModal } from '../blocks/call-modal';
import { YOUR_STANCE_LABELS } from '../blocks/labels';
import { positionModal } from '../blocks/position-modal';
import { escapeMrkdwn } from '../escape-mrkdwn';
import { afterPendingAcks } from './after-ack';
import type { DecisionServices } from './decision-services';
import { failureText, modalFailureText, tell } from './tell-user';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction>;

/** What a click wrote before its ack, and what to do after it. */
type AfterAck = () => Promise<void>;

const POSITION_REFUSED = (id: string) =>
  `You cannot take a position on ${escapeMrkdwn(id)}: only members of security, network or the sysadmins can. Your attempt has been recorded.`;
const CLOSED = (id: string) => `The call on ${escapeMrkdwn(id)} has been made; positions are closed.`;

export function registerDecisionActions(app: App, services: DecisionServices): void {
  const { deps } = services;
  const members = () => deps.membership.current();

  /** Runs the synchronous, log-writing part, acks, then the rest; any failure reaches the person who clicked. */
  const button = (handler: (args: ButtonArgs, key: string) => AfterAck) => async (args: ButtonArgs) => {
    const audience = { user: args.body.user.id, respond: args.respond };
    let after: AfterAck | undefined;
    let failure: unknown;
    try {
      after = handler(args, `action:${args.action.action_ts}:${args.body.user.id}`);
    } catch (error) {
      failure = error;
    }
    await args.ack();
    await afterPendingAcks();
    try {
      if (failure !== undefined) throw failure;
      await after?.();
    } catch (error) {
      deps.logger.warn({ err: (error as Error).message, action: args.action.action_id }, 'decision button failed');
      await tell(deps, audience, failureText(error));
    }
  };
  const say = (args: ButtonArgs, text: string) => tell(deps, { user: args.body.user.id, respond: args.respond }, text);
  const openModal = async (args: ButtonArgs, view: Parameters<typeof deps.gateway.openModal>[1]) => {
    try {
      await deps.gateway.openModal(args.body.trigger_id, view);
    } catch (error) {
      deps.logger.warn({ err: (error as Error).message }, 'a modal could not open');
      await say(args, modalFailureText(error));
    }
  };

  app.action<BlockButtonAction>(
    ActionIds.agree,
    button((args, key) => {
      const result = recordPosition(
        deps.ctx,
        { decisionId: args.action.value!, userId: args.body.user.id, stance: 'agree', key },
        members,
      );
      if (result.kind === 'recorded') deps.outbox.nudge(result.state.id);
      return async () => {
        if (result.kind === 'recorded')
          await say(args, `Recorded: you ${YOUR_STANCE_LABELS.agree} (${result.roles.join(', ')}).`);
        else if (result.kind === 'refused') await say(args, POSITION_REFUSED(result.state.id));
        else if (result.kind === 'decided') await say(args, CLOSED(result.state.id));
      };
    }),
  );

  for (const [actionId, stance] of [
    [ActionIds.proposeAlternative, 'alternative'],
    [ActionIds.needMoreInfo, 'more-info'],
  ] as const) {
    app.action<BlockButtonAction>(
      actionId,
      button((args, key) => {
        const state = findDecision(deps.ctx, args.action.value!);
        if (state.status === 'decided') return () => say(args, CLOSED(state.id));
        if (!maySpeak(state, args.body.user.id, members)) {
          refusePosition(deps.ctx, state, args.body.user.id, key);
          return () => say(args, POSITION_REFUSED(state.id));
        }
        return () =>
          openModal(args, positionModal({ decisionId: state.id, stance }, state.bulletin?.title ?? state.id));
      }),
    );
  }

  app.action<BlockButtonAction>(
    ActionIds.makeCall,
    button((args, key) => {
      const state = findDecision(deps.ctx, args.action.value!);
      if (state.status === 'decided')
        return () => say(args, `The call on ${escapeMrkdwn(state.id)} has already been made.`);
      if (!callerRole(state, args.body.user.id, members)) {
        refuseCall(deps.ctx, state, args.body.user.id, key);
        return () =>
          say(
            args,
            `Only the decision owner or the delegate can make the call on ${escapeMrkdwn(state.id)}. Your attempt has been recorded.`,
          );
      }
      const recommended = state.assessment!.summary.recommendedCall;
      return () => openModal(args, callModal(state.id, recommended, checkQuorum(state, deps.policy, recommended)));
    }),
  );

  app.action<BlockButtonAction>(
    ActionIds.showAssets,
    button((args) => {
      const state = findDecision(deps.ctx, args.action.value!);
      return () =>
        deps.gateway.ephemeral(
          args.body.channel?.id ?? args.body.container.channel_id,
          args.body.user.id,
          assetsTable(state),
        );
    }),
  );
}
