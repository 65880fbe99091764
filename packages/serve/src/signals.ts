/** Graceful shutdown on SIGTERM and SIGINT, for a process that runs one server (`ssd serve`). */
import type { DetectionServer } from './server';

/** Options of `drainOnSignals`. */
export interface DrainOnSignalsOptions {
  /** How long a drain may take before waiting requests get 503 (default 30 s). */
  readonly drainTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

/**
 * Waits for SIGTERM or SIGINT, then drains `server` (see `DetectionServer.drain`); a second signal stops waiting
 * requests at once. Resolves to the exit code: 0 when every admitted request was answered, 1 when some were cut off.
 */
export function drainOnSignals(
  server: DetectionServer,
  options: DrainOnSignalsOptions = {},
): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(line));
  const timeoutMs = options.drainTimeoutMs ?? 30_000;
  return new Promise((resolve) => {
    let drain: Promise<void> | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (drain) {
        log(`${signal} again: answering waiting requests with 503 and stopping now.`);
        void server.close();
        return;
      }
      log(
        `${signal}: draining (up to ${timeoutMs} ms): not ready, no new connections, answering what was admitted.`,
      );
      drain = server.drain(timeoutMs).then(({ complete }) => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        log(
          complete
            ? 'Drained: every request answered.'
            : 'Stopped: the drain timeout cut some requests off (503).',
        );
        resolve(complete ? 0 : 1);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
