/** `/patch`: acks at once, then answers ephemerally through response_url; convening happens after the ack. */
import type { App } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { parsePatchCommand, type PatchCommand } from '../../app/contract';
import { assetsTable } from '../blocks/assets-table';
import { helpBlocks, rolesText, statusLine, statusText } from '../blocks/command-replies';
import { newBulletinModal } from '../blocks/new-bulletin-modal';
import { ROLE_LABELS } from '../blocks/labels';
import type { DecisionServices } from './decision-services';
import { exportToChannel } from './export-command';
import { providerAnswer } from './living-listeners';
import { convenedText, openModal } from './tell-user';

type Reply = KnownBlock[] | string;

export function registerPatchCommand(app: App, services: DecisionServices): void {
  const { deps } = services;
  const { patchcall } = deps;
  app.command('/patch', async ({ command, ack, respond }) => {
    const parsed = parsePatchCommand(command.text);
    // read-only answers that take microseconds go back in the ack itself: no second request to response_url
    const immediate = quickAnswer(services, parsed);
    if (immediate !== undefined) return void (await ack(ephemeral(immediate)));
    await ack();
    const reply = (answer: Reply) => respond(ephemeral(answer));
    switch (parsed.kind) {
      case 'export':
        return void (await reply(
          await exportToChannel(services, {
            decision: parsed.decision,
            ...(parsed.format ? { format: parsed.format } : {}),
            userId: command.user_id,
          }),
        ));
      case 'roles-set': {
        const result = await patchcall.changeRole({
          userId: command.user_id,
          text: command.text,
          role: parsed.role,
          users: parsed.users,
          groups: parsed.groups,
          admins: deps.config.admins,
        });
        return void (await reply(
          result.kind === 'refused'
            ? 'Only patchcall admins can change roles. Your attempt has been recorded.'
            : `${ROLE_LABELS[parsed.role]} updated.\n${rolesText(result.roster.roles)}`,
        ));
      }
      case 'provider':
        return void (await reply(
          await providerAnswer(services, {
            ...parsed,
            userId: command.user_id,
            // one command, one answer: a retried delivery carries the same trigger id
            key: `command:${command.trigger_id}:${command.user_id}`,
          }),
        ));
      case 'assets':
        return void (await reply(assetsTable(patchcall.findDecision(parsed.decision), patchcall.displayTimeZone())));
      case 'new':
        return void (await openModal(
          deps,
          command.trigger_id,
          newBulletinModal(deps.now().toISOString().slice(0, 10)),
        ));
      case 'open': {
        const result = await patchcall.conveneDecision(deps.membership, {
          bulletinId: parsed.bulletin,
          actor: command.user_id,
          trigger: 'command',
          now: deps.now(),
        });
        deps.outbox.nudge(result.state.id);
        // both people hear where it is: the one who convened once the card is up, the other once the channel exists
        const already = result.status === 'already-convened';
        const state = await patchcall.convenedOutcome(result.state.id, { until: already ? 'channel' : 'card' });
        return void (await reply(convenedText(state, already)));
      }
    }
  });
}

/** The answer to a read-only subcommand, or undefined when the command does its work after the ack. */
function quickAnswer(services: DecisionServices, parsed: PatchCommand): Reply | undefined {
  const { patchcall } = services.deps;
  switch (parsed.kind) {
    case 'help':
      return helpBlocks(parsed.problem);
    case 'roles':
      return rolesText(patchcall.readRoster().roles);
    case 'status':
      return parsed.decision
        ? statusLine(patchcall.findDecision(parsed.decision), patchcall.displayTimeZone())
        : statusText(
            patchcall.listDecisions().filter((d) => d.status === 'open'),
            patchcall.displayTimeZone(),
          );
    default:
      return undefined;
  }
}

function ephemeral(answer: Reply) {
  return typeof answer === 'string'
    ? { response_type: 'ephemeral' as const, text: answer }
    : { response_type: 'ephemeral' as const, blocks: answer, text: ' ' };
}
