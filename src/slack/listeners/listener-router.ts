/**
 * One Bolt middleware that routes each request to the listener registered for its action id, callback id, command
 * or event type. Bolt runs every registered listener's middleware chain (a few promises each) on every request to
 * find the one that matches; with the product's dozen listeners that cost as much CPU per click as Bolt's whole
 * request handling, ahead of every ack. Listeners register as with Bolt (`app.action(id, handler)` and so on) on
 * the App this returns; a request no route matches goes on to Bolt.
 */
import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';

type Kind = 'action' | 'view' | 'command' | 'event';
type Handler = Middleware<AnyMiddlewareArgs>;

export function routedListeners(app: App): App {
  const routes: Record<Kind, Map<string, Handler[]>> = {
    action: new Map(),
    view: new Map(),
    command: new Map(),
    event: new Map(),
  };
  const register = (kind: Kind) => (id: unknown, handler: Handler) => {
    if (typeof id !== 'string') throw new Error(`listener-router: only plain ${kind} ids are routed`);
    routes[kind].set(id, [...(routes[kind].get(id) ?? []), handler]);
  };
  app.use(async (args) => {
    const handlers = matching(routes, args);
    if (!handlers.length) return args.next();
    // as Bolt runs its listeners: each matching one, its failures reported together
    const results = await Promise.allSettled(handlers.map((handler) => handler({ ...args, next: async () => {} })));
    const failed = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed.length) throw failed[0]!.reason;
  });
  const routed = Object.create(app) as App;
  Object.assign(routed, {
    action: register('action'),
    view: register('view'),
    command: register('command'),
    event: register('event'),
  });
  return routed;
}

function matching(routes: Record<Kind, Map<string, Handler[]>>, args: AnyMiddlewareArgs): Handler[] {
  const body = args.body as { type?: string };
  const a = args as Partial<{
    action: { action_id?: string };
    view: { callback_id?: string };
    command: { command?: string };
    event: { type?: string };
  }>;
  if (body.type === 'block_actions' && a.action?.action_id) return routes.action.get(a.action.action_id) ?? [];
  // Bolt's app.view(id) takes submissions only
  if (body.type === 'view_submission' && a.view?.callback_id) return routes.view.get(a.view.callback_id) ?? [];
  if (a.command?.command) return routes.command.get(a.command.command) ?? [];
  if (a.event?.type) return routes.event.get(a.event.type) ?? [];
  return [];
}
