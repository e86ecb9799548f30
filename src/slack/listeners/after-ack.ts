/**
 * Listeners ack first and then do the work that answers the user (the card, the reply, name lookups). That work
 * must not delay other requests' acks: under a burst, every request parsed in one turn of the event loop would
 * otherwise run its post-ack work before the next turn reads the requests still waiting for their ack.
 *
 * So post-ack work waits in one queue and is let through one piece per turn of the loop (a setImmediate), after
 * the loop has read its sockets: requests that arrived meanwhile reach their ack first. Each turn lets at least one
 * through, so the queue always drains; it only yields to acks, it never drops or reorders work.
 */
const waiting: (() => void)[] = [];
/** Work with a deadline of its own (opening a modal: Slack's trigger id lasts 3 s) goes before the rest. */
const urgent: (() => void)[] = [];
let turnScheduled = false;

/**
 * Resolves on a later turn of the event loop, once the work queued before it has been let through; `soon` puts it
 * ahead of work without a deadline.
 */
export function afterPendingAcks(soon = false): Promise<void> {
  return new Promise((resolve) => {
    (soon ? urgent : waiting).push(resolve);
    scheduleTurn();
  });
}

function scheduleTurn(): void {
  if (turnScheduled) return;
  turnScheduled = true;
  setImmediate(() => {
    turnScheduled = false;
    (urgent.shift() ?? waiting.shift())?.();
    if (urgent.length || waiting.length) scheduleTurn();
  });
}

/**
 * `fn` at most once per `ms`, the first call starting the wait: for looks at the whole log that one click does not
 * make more urgent (the deadline scheduler's), so a burst of clicks costs one look instead of one per click.
 */
export function coalescedWithin(ms: number, fn: () => void): () => void {
  let waiting: NodeJS.Timeout | undefined;
  return () => {
    if (waiting) return;
    waiting = setTimeout(() => {
      waiting = undefined;
      fn();
    }, ms);
    waiting.unref();
  };
}
