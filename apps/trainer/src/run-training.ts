import { loadConfig } from '@ssd/config';
import { type TrainResult, train } from './train/train';

/** What `ssd train` passes on. */
export interface TrainingRequest {
  configFile?: string;
  /** `KEY VALUE` config overrides. */
  overrides?: string[];
  logStep?: number;
  saveStep?: number;
  evalStep?: number;
  /** No evaluation at the end (the reference's `--skip-test`). */
  skipTest?: boolean;
  /** Modules training worker threads load first (the `--require` plugins registering custom components). */
  workerImports?: string[];
  log?: (line: string) => void;
}

/**
 * The training application: loads the config, trains (resuming from OUTPUT_DIR's last checkpoint), and
 * on Ctrl-C (SIGINT) or SIGTERM (a job scheduler, `docker stop`, `kill`) finishes the current iteration,
 * saves a checkpoint and returns; a second signal exits at once.
 */
export async function runTraining(request: TrainingRequest): Promise<TrainResult> {
  const log = request.log ?? ((l: string) => console.log(l));
  const cfg = loadConfig(request.configFile, request.overrides ?? []);
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    // 128 + the signal's number, as a shell reports a process the signal ended.
    if (controller.signal.aborted) process.exit(signal === 'SIGTERM' ? 143 : 130);
    log(
      `${signal === 'SIGTERM' ? 'Terminated' : 'Interrupted'}: saving a checkpoint after this iteration ` +
        '(Ctrl-C again to quit without saving)',
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await train(cfg, {
      logStep: request.logStep,
      saveStep: request.saveStep,
      evalStep: request.evalStep,
      skipTest: request.skipTest,
      workerImports: request.workerImports,
      signal: controller.signal,
      log,
    });
    log(
      result.finished
        ? `Training finished at iteration ${result.iteration}; results in ${cfg.OUTPUT_DIR}`
        : `Training stopped at iteration ${result.iteration}; run the same command to resume`,
    );
    return result;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
