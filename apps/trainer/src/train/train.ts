import type { SSDConfig } from '@ssd/config';
import { makeTrainLoader } from '@ssd/data';
import { Checkpointer, createProgress, initBackend, type Progress, type ProgressOptions } from '@ssd/engine';
import { buildDetectionModel } from '@ssd/modeling';
import { buildLrScheduler, buildOptimizer } from '@ssd/solver';
import { type DefaultHooksOptions, defaultHooks } from '../hooks/default-hooks';
import { createStepRunner } from '../step/create-step-runner';
import type { Hook } from '../trainer/hook';
import type { StepRunner } from '../trainer/parts';
import { Trainer } from '../trainer/trainer';
import { setUpTrainingKernels } from './conv-runtime';
import { withOutputLock } from './output-lock';
import { preflight } from './preflight';
import { resumeOrLoad } from './resume';

/** Options of `train`. */
export interface TrainOptions extends Omit<DefaultHooksOptions, 'progress'> {
  /** Aborting stops after the current iteration, saving a checkpoint to resume from (Ctrl-C). */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** The progress bar (on a terminal); false for none. */
  progress?: ProgressOptions | false;
  /**
   * The hooks: a list runs after the default ones (`defaultHooks`); a function gets the default list and
   * returns the hooks to run (filter, replace, reorder, extend).
   */
  hooks?: readonly Hook[] | ((defaults: Hook[]) => Hook[]);
  /** Skip backend selection (the caller has set one up). */
  keepBackend?: boolean;
  /** Modules training worker threads load first: packages registering the config's custom components. */
  workerImports?: string[];
}

/** How training ended. */
export interface TrainResult {
  /** Iterations completed. */
  iteration: number;
  /** False when stopped early by the signal. */
  finished: boolean;
  /** Where the run resumed from, if it did. */
  resumedFrom?: string;
}

/**
 * Trains the detector the config describes, iteration by iteration as the reference does, resuming from
 * OUTPUT_DIR's last checkpoint when there is one. One run at a time per OUTPUT_DIR: it is locked. The
 * composition root: it checks the inputs, selects the backend, builds the parts, resumes and runs a Trainer
 * with `defaultHooks`.
 */
export async function train(cfg: SSDConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  return withOutputLock(cfg.OUTPUT_DIR, log, () => trainLocked(cfg, options, log));
}

async function trainLocked(
  cfg: SSDConfig,
  options: TrainOptions,
  log: (line: string) => void,
): Promise<TrainResult> {
  const dataset = preflight(cfg);
  if (!options.keepBackend) await initBackend(cfg.MODEL.DEVICE, log);
  const convolutions = setUpTrainingKernels(cfg);
  if (convolutions) log(convolutions);

  const model = buildDetectionModel(cfg);
  const optimizer = buildOptimizer(cfg, model.trainableVariables());
  const scheduler = buildLrScheduler(cfg, optimizer);
  const checkpointer = new Checkpointer(cfg.OUTPUT_DIR);
  const maxIter = cfg.SOLVER.MAX_ITER;
  let progress: Progress | undefined;
  let runner: StepRunner | undefined;
  try {
    const { startIter, resumedFrom } = await resumeOrLoad(cfg, checkpointer, model, optimizer, scheduler, {
      log,
      progress: options.progress,
    });
    // Without a terminal the log lines are the progress report.
    if (options.progress !== false) {
      progress = createProgress('train', maxIter, {
        write: log,
        ...options.progress,
        plainEvery: Number.POSITIVE_INFINITY,
      });
    }
    // From here lines print above the progress bar.
    const trainLog = progress ? (line: string) => progress!.log(line) : log;
    trainLog(
      `Training ${dataset.length} images for ${maxIter} iterations (from ${startIter}), batch ${cfg.SOLVER.BATCH_SIZE}`,
    );
    runner = await createStepRunner(cfg, model, optimizer, {
      log: trainLog,
      workerImports: options.workerImports,
    });
    const defaults = defaultHooks(cfg, { ...options, progress });
    const hooks =
      typeof options.hooks === 'function' ? options.hooks(defaults) : [...defaults, ...(options.hooks ?? [])];
    const trainer = new Trainer(
      {
        model,
        dataLoader: makeTrainLoader(cfg, { dataset, startIter, maxIter }),
        optimizer,
        scheduler,
        runner,
        checkpointer,
      },
      { startIter, maxIter, hooks, signal: options.signal, log: trainLog },
    );
    const { iteration, finished } = await trainer.train();
    return { iteration, finished, resumedFrom };
  } finally {
    await runner?.close();
    progress?.stop();
    optimizer.dispose();
    model.dispose();
  }
}
