/**
 * Every action_id, callback_id and input block_id the app uses, in one place. Ids of decisions travel in a
 * button's `value` or a modal's `private_metadata`, never inside these.
 */

export const ActionIds = {
  agree: 'decision_agree',
  proposeAlternative: 'decision_propose_alternative',
  needMoreInfo: 'decision_need_more_info',
  makeCall: 'decision_make_call',
  showAssets: 'decision_show_assets',
  confirmCall: 'decision_confirm_call',
  callOutcome: 'call_outcome',
  text: 'text',
  select: 'select',
  date: 'date',
} as const;

export const CallbackIds = {
  position: 'decision_position_modal',
  call: 'decision_call_modal',
  newBulletin: 'new_bulletin_modal',
} as const;

/** Input block ids: view_submission errors are keyed by them. */
export const BlockIds = {
  comment: 'comment',
  outcome: 'outcome',
  rationale: 'rationale',
  override: 'override_reason',
  bulletinId: 'bulletin_id',
  title: 'title',
  vendor: 'vendor',
  cves: 'cves',
  products: 'products',
  ports: 'vulnerable_ports',
  fixId: 'fix_id',
  restart: 'restart_required',
  released: 'released_at',
  actions: 'decision_actions',
} as const;
