/**
 * Listeners ack first and then do the work that answers the user (the card, the reply, name lookups). That work
 * must not delay other requests' acks: under a burst, every request parsed in one turn of the event loop would
 * otherwise run its post-ack work before the next turn reads the requests still waiting for their ack.
 *
 * So post-ack work (and each step of the workers that bring Slack up to date) waits in one queue, and is let through
 * one piece per turn of the loop (a setImmediate, after the loop has read its sockets), and only while no request
 * is waiting for its ack: a burst of clicks is acknowledged first, and what they asked for follows. Work never waits
 * longer than MAX_HOLD_MS for that, so a steady stream of requests cannot starve it; it is never dropped or
 * reordered.
 */
interface Waiting {
  resolve: () => void;
  since: number;
}

const waiting: Waiting[] = [];
/** Work with a deadline of its own (opening a modal: Slack's trigger id lasts 3 s) goes before the rest, at once. */
const urgent: Waiting[] = [];
/** How long post-ack work may be held back behind requests waiting for their ack. */
export const MAX_HOLD_MS = 1_000;
let turnScheduled = false;
let holdTimer: NodeJS.Timeout | undefined;
let awaitingAck = 0;

/**
 * Resolves on a later turn of the event loop, once the work queued before it has been let through and no request
 * waits for its ack (or it waited MAX_HOLD_MS); `soon` puts it ahead of the rest, without waiting for acks.
 */
export function afterPendingAcks(soon = false): Promise<void> {
  return new Promise((resolve) => {
    (soon ? urgent : waiting).push({ resolve, since: performance.now() });
    scheduleTurn();
  });
}

/** A request reached the listeners; call the answer once it is acknowledged (or failed). Held work waits for it. */
export function requestReceived(): () => void {
  awaitingAck++;
  let answered = false;
  return () => {
    if (answered) return;
    answered = true;
    if (--awaitingAck === 0) scheduleTurn();
  };
}

function scheduleTurn(): void {
  if (turnScheduled || (!urgent.length && !waiting.length)) return;
  turnScheduled = true;
  setImmediate(() => {
    turnScheduled = false;
    const next = urgent.shift() ?? (mayRun(waiting[0]!) ? waiting.shift() : undefined);
    next?.resolve();
    if (urgent.length || (waiting.length && mayRun(waiting[0]!))) scheduleTurn();
    else if (waiting.length) holdUntilDue(waiting[0]!);
  });
}

function mayRun(work: Waiting): boolean {
  return awaitingAck === 0 || performance.now() - work.since >= MAX_HOLD_MS;
}

/** While requests wait for their ack: look again when the oldest held work is due (their acks look sooner). */
function holdUntilDue(oldest: Waiting): void {
  if (holdTimer) return;
  holdTimer = setTimeout(
    () => {
      holdTimer = undefined;
      scheduleTurn();
    },
    Math.max(1, MAX_HOLD_MS - (performance.now() - oldest.since)),
  );
  holdTimer.unref();
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
