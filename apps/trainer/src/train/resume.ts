import { type Checkpointer, loadModelStateRecords, loadTrainingCheckpoint } from '@ssd/engine';
import type { SSDDetector } from '@ssd/modeling';
import type { SGD, WarmupMultiStepLR } from '@ssd/solver';

/** Where a run starts: the iteration, and the checkpoint it resumed from, if any. */
export interface ResumePoint {
  startIter: number;
  resumedFrom?: string;
}

/**
 * Loads OUTPUT_DIR's last checkpoint (if any) into the model, optimizer and scheduler. Every error
 * names the checkpoint file (the optimizer's own messages do not).
 */
export function resumeTraining(
  checkpointer: Checkpointer,
  model: SSDDetector,
  optimizer: SGD,
  scheduler: WarmupMultiStepLR,
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
