import path from 'node:path';
import type { SSDConfig } from '@ssd/config';
import { makeTrainLoader } from '@ssd/data';
import { Checkpointer, initBackboneFromPretrained, initBackend, type ProgressOptions } from '@ssd/engine';
import { buildDetectionModel } from '@ssd/modeling';
import { buildLrScheduler, buildOptimizer } from '@ssd/solver';
import {
  CheckpointHook,
  EvalHook,
  LoggingHook,
  PlotHook,
  type StepInfo,
  type TrainContext,
  type TrainHook,
} from './hooks';
import { MetricsFile } from './metrics-file';
import { withOutputLock } from './output-lock';
import { StepRunner } from './parallel/step-runner';
import { preflight } from './preflight';
import { registerTrainingKernels } from './register-kernels';
import { type ResumePoint, resumeTraining } from './resume';

/** Options of `train`. */
export interface TrainOptions {
  /** Log every this many iterations (reference default 10). */
  logStep?: number;
  /** Checkpoint every this many iterations (reference default 2500); 0: only at the end. */
  saveStep?: number;
  /** Evaluate every this many iterations (reference default 2500); 0: only at the end. */
  evalStep?: number;
  /** No evaluation at the end of training (the reference's `--skip-test`); `evalStep`'s still run. */
  skipTest?: boolean;
  /** Aborting stops after the current iteration, saving a checkpoint to resume from (Ctrl-C). */
  signal?: AbortSignal;
  log?: (line: string) => void;
  progress?: ProgressOptions | false;
  /** Extra hooks, run after the built-in ones. */
  hooks?: TrainHook[];
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

/** Training stopped because the loss stopped being a finite number. */
export class NonFiniteLossError extends Error {
  constructor(iteration: number, losses: StepInfo['losses'], lastCheckpoint: string | undefined) {
    super(
      `loss is not finite at iteration ${iteration} (reg_loss ${losses.reg_loss}, cls_loss ${losses.cls_loss}); ` +
        `training stopped. ${lastCheckpoint ? `The last good checkpoint is ${lastCheckpoint}.` : 'No checkpoint was saved.'} ` +
        "Check that batch's annotations (boxes of zero or negative size, labels out of range, images without objects); " +
        'if they are sound, the model diverged: try a lower SOLVER.LR or more SOLVER.WARMUP_ITERS.',
    );
    this.name = 'NonFiniteLossError';
  }
}

/**
 * Trains the detector the config describes, iteration by iteration as the reference does, resuming
 * from OUTPUT_DIR's last checkpoint when there is one. One run at a time per OUTPUT_DIR: it is locked.
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
  const convolutions = registerTrainingKernels(cfg);
  if (convolutions) log(convolutions);

  const model = buildDetectionModel(cfg);
  const optimizer = buildOptimizer(cfg, model.trainableVariables());
  const scheduler = buildLrScheduler(cfg, optimizer);
  const checkpointer = new Checkpointer(cfg.OUTPUT_DIR);
  const metrics = new MetricsFile(path.join(cfg.OUTPUT_DIR, 'metrics.jsonl'));

  let resumed: ResumePoint;
  try {
    resumed = resumeTraining(checkpointer, model, optimizer, scheduler, log);
    // A fresh run starts from the backbone's ImageNet weights when MODEL.BACKBONE.PRETRAINED says so.
    if (!resumed.resumedFrom)
      await initBackboneFromPretrained(model, cfg, { log, progress: options.progress });
  } catch (e) {
    // A bad pointer, checkpoint or weights file must not leak the model's tensors in a long-lived process.
    optimizer.dispose();
    model.dispose();
    throw e;
  }
  const { startIter, resumedFrom } = resumed;
  metrics.resumeAt(startIter);
  const maxIter = cfg.SOLVER.MAX_ITER;

  const progress = options.progress === false ? false : { write: log, ...options.progress };
  const logging = new LoggingHook(options.logStep ?? 10, progress);
  const ctx: TrainContext = {
    cfg,
    model,
    optimizer,
    scheduler,
    checkpointer,
    metrics,
    startIter,
    maxIter,
    log: (line) => {
      const bar = logging.bar(ctx);
      if (bar) bar.log(line);
      else log(line);
    },
  };
  const hooks: TrainHook[] = [
    logging,
    new CheckpointHook(options.saveStep ?? 2500),
    new EvalHook(options.evalStep ?? 2500, !options.skipTest),
    new PlotHook(),
    ...(options.hooks ?? []),
  ];
  ctx.log(
    `Training ${dataset.length} images for ${maxIter} iterations (from ${startIter}), batch ${cfg.SOLVER.BATCH_SIZE}`,
  );

  let iteration = startIter;
  let finished = startIter >= maxIter;
  let runner: StepRunner | undefined;
  try {
    runner = await StepRunner.create(cfg, model, optimizer, {
      log: ctx.log,
      workerImports: options.workerImports,
    });
    const loader = makeTrainLoader(cfg, { dataset, startIter, maxIter });
    let last = performance.now();
    for await (const batch of loader) {
      const dataTime = (performance.now() - last) / 1000;
      const lr = optimizer.lr;
      const losses = await runner.step(batch);
      iteration = batch.iteration + 1;
      if (![losses.loss, losses.reg_loss, losses.cls_loss].every(Number.isFinite)) {
        throw new NonFiniteLossError(iteration, losses, checkpointer.lastCheckpoint());
      }
      scheduler.step();
      const now = performance.now();
      const step: StepInfo = { iteration, lr, losses, time: (now - last) / 1000, dataTime };
      for (const h of hooks) await h.afterStep?.(ctx, step);
      // A macrotask turn lets signal handlers (Ctrl-C) and worker messages run: with batches already
      // prefetched, the awaits above only ever queue microtasks.
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
      if (options.signal?.aborted) break;
    }
    finished = iteration >= maxIter;
    for (const h of hooks) await h.afterTrain?.(ctx, iteration, finished);
  } finally {
    await runner?.close();
    logging.afterTrain();
    optimizer.dispose();
    model.dispose();
  }
  return { iteration, finished, resumedFrom };
}
