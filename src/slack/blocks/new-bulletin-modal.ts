/** `/patch new`: a bulletin typed by hand, for the advisory that arrives as an e-mail or a phone call. */
import type { View } from '@slack/types';
import { ActionIds, BlockIds, CallbackIds } from '../action-ids';

export function newBulletinModal(today: string): View {
  const text = (
    blockId: string,
    label: string,
    options: { placeholder?: string; optional?: boolean; multiline?: boolean; max?: number } = {},
  ) => ({
    type: 'input' as const,
    block_id: blockId,
    ...(options.optional ? { optional: true } : {}),
    label: { type: 'plain_text' as const, text: label },
    element: {
      type: 'plain_text_input' as const,
      action_id: ActionIds.text,
      ...(options.multiline ? { multiline: true } : {}),
      max_length: options.max ?? 200,
      ...(options.placeholder ? { placeholder: { type: 'plain_text' as const, text: options.placeholder } } : {}),
    },
  });
  return {
    type: 'modal',
    callback_id: CallbackIds.newBulletin,
    title: { type: 'plain_text', text: 'New bulletin' },
    submit: { type: 'plain_text', text: 'Import' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      text(BlockIds.bulletinId, 'Bulletin id', { placeholder: 'MS08-067', max: 64 }),
      text(BlockIds.title, 'Title', {
        placeholder: 'Vulnerability in Server Service Could Allow Remote Code Execution',
        max: 300,
      }),
      text(BlockIds.vendor, 'Vendor', { placeholder: 'Microsoft', max: 100 }),
      text(BlockIds.cves, 'CVEs (comma-separated)', { placeholder: 'CVE-2008-4250', max: 500 }),
      text(BlockIds.products, 'Affected products (one per line; a CPE 2.3 name may follow after " | ")', {
        multiline: true,
        max: 3000,
        placeholder: 'Windows Server 2003 SP2 | cpe:2.3:o:microsoft:windows_server_2003:-:sp2:*:*:*:*:*:*',
      }),
      text(BlockIds.ports, 'Vulnerable ports', { optional: true, placeholder: 'tcp/139, tcp/445', max: 200 }),
      text(BlockIds.fixId, 'Fix id', { optional: true, placeholder: 'KB958644', max: 64 }),
      {
        type: 'input',
        block_id: BlockIds.restart,
        label: { type: 'plain_text', text: 'Restart required?' },
        element: {
          type: 'static_select',
          action_id: ActionIds.select,
          options: [
            { text: { type: 'plain_text', text: 'Yes' }, value: 'yes' },
            { text: { type: 'plain_text', text: 'No' }, value: 'no' },
            { text: { type: 'plain_text', text: 'Unknown' }, value: 'unknown' },
          ],
          initial_option: { text: { type: 'plain_text', text: 'Unknown' }, value: 'unknown' },
        },
      },
      {
        type: 'input',
        block_id: BlockIds.released,
        label: { type: 'plain_text', text: 'Released on' },
        element: { type: 'datepicker', action_id: ActionIds.date, initial_date: today },
      },
    ],
  };
}
