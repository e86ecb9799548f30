/** `/patch`: acks at once, then answers ephemerally through response_url; convening happens after the ack. */
import { displayTimeZone } from '../../app/display-zone';
import type { App, RespondFn } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { conveneDecision } from '../../app/convene-decision';
import { findDecision, listDecisions } from '../../app/decision-log';
import { assignRole, readRoster, refuseRoleChange } from '../../app/roles-roster';
import { isPatchcallError } from '../../common/errors';
import { parsePatchCommand } from '../../decisions/parse-patch-command';
import { assetsTable } from '../blocks/assets-table';
import { helpBlocks, rolesText, statusLine, statusText } from '../blocks/command-replies';
import { newBulletinModal } from '../blocks/new-bulletin-modal';
import { ROLE_LABELS } from '../blocks/labels';
import { escapeMrkdwn } from '../escape-mrkdwn';
import type { DecisionServices } from './decision-services';
import { exportDecisionToChannel } from './export-command';

export function registerPatchCommand(app: App, services: DecisionServices): void {
  const { deps, gateway } = services;
  app.command('/patch', async ({ command, ack, respond }) => {
    const parsed = parsePatchCommand(command.text);
    const message = (blocks: KnownBlock[] | string) =>
      typeof blocks === 'string'
        ? { response_type: 'ephemeral' as const, text: blocks }
        : { response_type: 'ephemeral' as const, blocks, text: ' ' };
    // read-only answers that take microseconds go back in the ack itself: no second request to response_url
    const immediate = quickAnswer(services, parsed);
    if (immediate !== undefined) return void (await ack(message(immediate)));
    await ack();
    const reply = (blocks: KnownBlock[] | string) => respond(message(blocks));
    try {
      switch (parsed.kind) {
        case 'help':
          return void (await reply(helpBlocks(parsed.problem)));
        case 'export':
          return void (await reply(
            (
              await exportDecisionToChannel(services, {
                decision: parsed.decision,
                ...(parsed.format ? { format: parsed.format } : {}),
                userId: command.user_id,
              })
            ).text,
          ));
        case 'roles':
          return void (await reply(rolesText(readRoster(deps.ctx).roles)));
        case 'roles-set': {
          if (!deps.config.admins.includes(command.user_id)) {
            refuseRoleChange(deps.ctx, command.user_id, command.text, 'not a patchcall admin (PATCHCALL_ADMINS)');
            return void (await reply('Only patchcall admins can change roles. Your attempt has been recorded.'));
          }
          const roster = assignRole(deps.ctx, command.user_id, parsed.role, parsed.users, parsed.groups);
          return void (await reply(`${ROLE_LABELS[parsed.role]} updated.\n${rolesText(roster.roles)}`));
        }
        case 'status':
          return void (await reply(
            parsed.decision
              ? statusLine(findDecision(deps.ctx, parsed.decision), displayTimeZone(deps.ctx.rulesDir))
              : statusText(
                  listDecisions(deps.ctx).filter((d) => d.status === 'open'),
                  displayTimeZone(deps.ctx.rulesDir),
                ),
          ));
        case 'assets':
          return void (await reply(
            assetsTable(findDecision(deps.ctx, parsed.decision), displayTimeZone(deps.ctx.rulesDir)),
          ));
        case 'new':
          return void (await gateway.openModal(
            command.trigger_id,
            newBulletinModal(deps.now().toISOString().slice(0, 10)),
          ));
        case 'open':
          return void (await openDecision(services, parsed.bulletin, command.user_id, respond));
      }
    } catch (error) {
      deps.logger.warn({ err: (error as Error).message, command: parsed.kind }, '/patch failed');
      await reply(
        isPatchcallError(error) && error.code !== 'INTERNAL'
          ? escapeMrkdwn(error.message)
          : 'Something went wrong; the details are in the app log.',
      );
    }
  });
}

/** The answer to a read-only subcommand, or undefined when the command does work after the ack. */
function quickAnswer(
  services: DecisionServices,
  parsed: ReturnType<typeof parsePatchCommand>,
): KnownBlock[] | string | undefined {
  const { deps } = services;
  try {
    switch (parsed.kind) {
      case 'help':
        return helpBlocks(parsed.problem);
      case 'roles':
        return rolesText(readRoster(deps.ctx).roles);
      case 'status':
        return parsed.decision
          ? statusLine(findDecision(deps.ctx, parsed.decision), displayTimeZone(deps.ctx.rulesDir))
          : statusText(
              listDecisions(deps.ctx).filter((d) => d.status === 'open'),
              displayTimeZone(deps.ctx.rulesDir),
            );
      default:
        return undefined;
    }
  } catch (error) {
    if (isPatchcallError(error) && error.code !== 'INTERNAL') return escapeMrkdwn(error.message);
    throw error;
  }
}

async function openDecision(
  services: DecisionServices,
  bulletinId: string,
  userId: string,
  respond: RespondFn,
): Promise<void> {
  const { deps, gateway } = services;
  const result = await conveneDecision(deps.ctx, gateway, {
    bulletinId,
    actor: userId,
    trigger: 'command',
    now: deps.now(),
    assess: services.assess,
  });
  const channel = `<#${result.state.channel!.id}>`;
  const text =
    result.status === 'already-convened'
      ? `${escapeMrkdwn(result.state.id)} is already being decided in ${channel}.`
      : `Convened ${escapeMrkdwn(result.state.id)} in ${channel}: ${result.state.invited.length} people invited.`;
  await respond({ response_type: 'ephemeral', text });
}
