/** Whether a Socket Mode receiver's WebSocket to Slack is open (undefined for the HTTP receiver): for /readyz. */
import { SocketModeReceiver, type Receiver } from '@slack/bolt';

export function socketConnected(receiver: Receiver | undefined): boolean | undefined {
  if (!(receiver instanceof SocketModeReceiver)) return undefined;
  return receiver.client.websocket?.isActive() ?? false;
}
