/**
 * Listeners ack first and then do the work that answers the user. Without a pause between the two, that work runs
 * on in the same turn of the event loop while other requests' bodies sit parsed and waiting for their ack; under
 * a burst the acks then queue behind folds, renders and response_url posts. A setImmediate lets the loop finish
 * its current I/O phase (other requests up to their acks) before this one's work goes on.
 */
export function afterPendingAcks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
