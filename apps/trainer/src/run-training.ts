import { loadConfig } from '@ssd/config';
import { type TrainResult, train } from '@ssd/engine';

/** What `ssd train` passes on. */
export interface TrainingRequest {
  configFile?: string;
  /** `KEY VALUE` config overrides. */
  overrides?: string[];
  logStep?: number;
  saveStep?: number;
  evalStep?: number;
  log?: (line: string) => void;
}

/**
 * The training application: loads the config, trains (resuming from OUTPUT_DIR's last checkpoint), and
 * on Ctrl-C finishes the current iteration, saves a checkpoint and returns; a second Ctrl-C exits at once.
 */
export async function runTraining(request: TrainingRequest): Promise<TrainResult> {
  const log = request.log ?? ((l: string) => console.log(l));
  const cfg = loadConfig(request.configFile, request.overrides ?? []);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    log('Interrupted: saving a checkpoint after this iteration (Ctrl-C again to quit without saving)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await train(structuredClone(cfg), {
      logStep: request.logStep,
      saveStep: request.saveStep,
      evalStep: request.evalStep,
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
    process.off('SIGINT', onSigint);
  }
}
