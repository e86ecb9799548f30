/** What a person is told when a position or the call is refused or comes too late; one wording for buttons and forms. */
import type { DecisionState, Stance } from '../../decisions/decision-model';
import { escapeMrkdwn } from '../escape-mrkdwn';
import { YOUR_STANCE_LABELS } from './labels';

export const DecisionNotes = {
  positionRecorded: (stance: Stance, roles: string[]) =>
    `Recorded: you ${YOUR_STANCE_LABELS[stance]} (${roles.join(', ')}).`,
  positionPending: (state: DecisionState) =>
    `Received. patchcall is checking with Slack that you are in one of the roles that speak on ${escapeMrkdwn(state.id)} (you may have joined a role's group just now); you will be told here in a moment.`,
  positionRefused: (state: DecisionState) =>
    `You cannot take a position on ${escapeMrkdwn(state.id)}: only members of security, network or the sysadmins can. Your attempt has been recorded.`,
  positionsClosed: (state: DecisionState) =>
    `The call on ${escapeMrkdwn(state.id)} has been made; positions are closed.`,
  callRefused: (state: DecisionState) =>
    `Only the decision owner or the delegate can make the call on ${escapeMrkdwn(state.id)}. Your attempt has been recorded.`,
  callAlreadyMade: (state: DecisionState) => `The call on ${escapeMrkdwn(state.id)} has already been made.`,
  callPending: (state: DecisionState) =>
    `Received. patchcall is checking with Slack that you are the decision owner or the delegate on ${escapeMrkdwn(state.id)} (you may have joined their group just now); your call is recorded once Slack confirms it, and you will be told here.`,
  callRecorded: (state: DecisionState, as: 'owner' | 'delegate') =>
    `Recorded: your call on ${escapeMrkdwn(state.id)}, as the ${as === 'owner' ? 'decision owner' : 'delegate'}.`,
};
