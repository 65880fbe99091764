import type { SSDConfig } from '@ssd/config';
import {
  type Checkpointer,
  initBackboneFromPretrained,
  loadModelStateRecords,
  loadTrainingCheckpoint,
  type ProgressOptions,
} from '@ssd/engine';
import type { SSDDetector } from '@ssd/modeling';
import type { LrScheduler, Optimizer } from '../trainer/parts';

/** Where a run starts: the iteration, and the checkpoint it resumed from, if any. */
export interface ResumePoint {
  startIter: number;
  resumedFrom?: string;
}

/**
 * Loads the checkpointer's last checkpoint (if any) into the model, optimizer and scheduler. Every error
 * names the checkpoint file (the optimizer's own messages do not).
 */
export function resumeTraining(
  checkpointer: Checkpointer,
  model: SSDDetector,
  optimizer: Optimizer,
  scheduler: LrScheduler,
  log: (line: string) => void,
): ResumePoint {
  const resumedFrom = checkpointer.lastCheckpoint();
  if (!resumedFrom) return { startIter: 0 };
  try {
    const state = loadTrainingCheckpoint(resumedFrom);
    loadModelStateRecords(model, state.model, resumedFrom);
    if (state.optimizer) optimizer.loadState(state.optimizer);
    if (state.scheduler) scheduler.loadState(state.scheduler);
    log(`Resuming from ${resumedFrom} at iteration ${state.iteration}`);
    return { startIter: state.iteration, resumedFrom };
  } catch (e) {
    const message = (e as Error).message;
    throw message.includes(resumedFrom) ? e : new Error(`${resumedFrom}: ${message}`, { cause: e });
  }
}

/**
 * Resumes from the last checkpoint (detectron2's resume_or_load), or starts a fresh run from the backbone's
 * ImageNet weights when MODEL.BACKBONE.PRETRAINED says so.
 */
export async function resumeOrLoad(
  cfg: SSDConfig,
  checkpointer: Checkpointer,
  model: SSDDetector,
  optimizer: Optimizer,
  scheduler: LrScheduler,
  options: { log: (line: string) => void; progress?: ProgressOptions | false },
): Promise<ResumePoint> {
  const resumed = resumeTraining(checkpointer, model, optimizer, scheduler, options.log);
  if (!resumed.resumedFrom) await initBackboneFromPretrained(model, cfg, options);
  return resumed;
}
