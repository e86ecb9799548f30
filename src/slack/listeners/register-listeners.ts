/** Composition root of the product's Slack listeners. (Placeholder: the decisions work fills it in.) */
import type { App } from '@slack/bolt';
import type { SlackDeps } from '../slack-deps';

export function registerListeners(_app: App, _deps: SlackDeps): void {}
