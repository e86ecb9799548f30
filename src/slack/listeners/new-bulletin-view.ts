/**
 * `/patch new` submitted: the fields become a hand-written bulletin, imported through `importDocuments` like any
 * file (one `source.imported` event), then convened when it is out-of-cycle and affects an asset.
 */
import type { App } from '@slack/bolt';
import type { HandwrittenBulletin } from '../../bulletins/parsers/handwritten';
import { ActionIds, BlockIds, CallbackIds } from '../action-ids';
import { escapeMrkdwn } from '../escape-mrkdwn';
import type { DecisionServices } from './decision-services';
import { afterPendingAcks } from './after-ack';

type StateValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value: string } | null; selected_date?: string | null }>
>;

const CVE = /^CVE-\d{4}-\d{4,19}$/;
const PORT = /^(tcp|udp)\/\d{1,5}$/;

/** The form as a hand-written bulletin, or the problems keyed by block id. */
export function readNewBulletinForm(
  values: StateValues,
): { bulletin: HandwrittenBulletin } | { errors: Record<string, string> } {
  const text = (block: string) => values[block]?.[ActionIds.text]?.value?.trim() ?? '';
  const errors: Record<string, string> = {};
  const id = text(BlockIds.bulletinId);
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(id))
    errors[BlockIds.bulletinId] = 'Letters, digits, and . _ : - only, like MS08-067.';
  const cves = text(BlockIds.cves)
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((c) => c.toUpperCase());
  if (cves.length === 0 || cves.some((c) => !CVE.test(c)))
    errors[BlockIds.cves] = 'One or more CVE ids, like CVE-2008-4250, separated by commas.';
  const products = text(BlockIds.products)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [name, cpe] = line.split('|').map((part) => part.trim());
      return { name: name!, ...(cpe ? { cpe } : {}) };
    });
  if (
    products.length === 0 ||
    products.some((p) => p.name === '' || (p.cpe !== undefined && !p.cpe.startsWith('cpe:2.3:')))
  ) {
    errors[BlockIds.products] = 'One product per line; a CPE 2.3 name (cpe:2.3:…) may follow after " | ".';
  }
  const ports = text(BlockIds.ports)
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((p) => p.toLowerCase());
  if (ports.some((p) => !PORT.test(p) || Number(p.split('/')[1]) < 1 || Number(p.split('/')[1]) > 65535))
    errors[BlockIds.ports] = 'Ports like tcp/139, tcp/445.';
  const released = values[BlockIds.released]?.[ActionIds.date]?.selected_date ?? '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(released)) errors[BlockIds.released] = 'Pick the release date.';
  if (Object.keys(errors).length) return { errors };
  const restart = values[BlockIds.restart]?.[ActionIds.select]?.selected_option?.value;
  const fixId = text(BlockIds.fixId);
  return {
    bulletin: {
      kind: 'patchcall/bulletin',
      id,
      title: text(BlockIds.title),
      vendor: text(BlockIds.vendor),
      released_at: released,
      cves: [...new Set(cves)],
      products,
      ...(ports.length ? { vulnerable_ports: ports } : {}),
      ...(fixId
        ? {
            fixes: [
              { id: fixId, ...(restart === 'yes' || restart === 'no' ? { restart_required: restart === 'yes' } : {}) },
            ],
          }
        : {}),
    },
  };
}

export function registerNewBulletinView(app: App, services: DecisionServices): void {
  const { deps } = services;
  const gateway = deps.gateway;
  app.view(CallbackIds.newBulletin, async ({ ack, body, view }) => {
    const form = readNewBulletinForm(view.state.values as StateValues);
    if ('errors' in form) return void (await ack({ response_action: 'errors', errors: form.errors }));
    await ack();
    await afterPendingAcks();
    const user = body.user.id;
    // a failure reaches the person as a direct message through the app's one error path
    const channels = await deps.patchcall.importNewBulletin(deps.membership, {
      bulletin: form.bulletin,
      userId: user,
      now: deps.now(),
    });
    deps.outbox.reconcile();
    await gateway.direct(
      user,
      `Imported ${escapeMrkdwn(form.bulletin.id)}.` +
        (channels.length
          ? ` Convened in #${channels.join(', #')}.`
          : ' It is not out-of-cycle or affects no known asset, so nobody was convened; `/patch open` convenes anyway.'),
    );
  });
}
