/** How often one source may report connection errors: an outage logs a line, not one per retry. */
const QUIET_MS = 10_000;

/** A logger for `error` events of a BullMQ object that prints the first of a burst and then stays quiet. */
export function connectionErrorLogger(source: string, log: (line: string) => void): (err: Error) => void {
  let last = -Infinity;
  return (err: Error) => {
    const now = Date.now();
    if (now - last < QUIET_MS) return;
    last = now;
    log(`${source}: ${err.message} (reconnecting)`);
  };
}
