/**
 * What an edge may use from below src/app besides the `Patchcall` object: the words and shapes the application
 * shares with the people and systems at its edges, which need no store. Edges import values from here (and types
 * from anywhere), never from the pipeline folders: dependency-cruiser's `adapter-imports-pipeline-value` says so.
 * Each name is re-exported rather than moved, so the pipeline keeps its own definitions and the app decides which
 * of them are its contract.
 */

/** Roles, the roles that speak, the outcomes of a call, and the shapes of Slack user and user-group ids. */
export { CALL_OUTCOMES, GROUP_ID, ROLES, SPEAKING_ROLES, USER_ID } from '../decisions/decision-model';
/** The `/patch` grammar: the command text as a command. */
export { parsePatchCommand, type PatchCommand } from '../decisions/parse-patch-command';
/** The audit record in the formats an auditor asks for (what `exportDecisionToChannel` uploads). */
export { RECORD_FORMATS, renderRecord, type RecordFormat } from '../audit/render-record';
/** Whether `--locale` names a locale whose date order this system knows. */
export { dateOrderOfLocale } from '../inventory/locale-dates';
/** An ISO 8601 duration of rules/reminders.json in milliseconds, for saying "in 4 hours" to a person. */
export { durationMs } from '../decisions/reminder-policy';
/** The plan steps of a decided decision that are past their due time, as App Home and the digest list them. */
export { overdueSteps } from '../decisions/digest';
/** A provider's latest answer to a patch request, as the card shows it. */
export { latestAnswer } from '../decisions/living-decision';
/** The sentence for an escalation that reached nobody, the same in the channel as in the record. */
export { reachedNobody } from '../decisions/escalation-reach';
/** Whom a decision concerns on the App Home: the roles a person holds in it, at convening or now. */
export { rolesInDecision } from '../decisions/home-audience';
