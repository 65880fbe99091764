import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { cutText, readInputFile } from '@ssd/files';
import { writeFileAtomic } from './atomic-write';
import { readSafetensors, type TensorRecord, writeSafetensors } from './safetensors';
import { FORMAT, MODEL, MOMENTUM, type TrainingState, trainingStateFrom } from './training-state';

export type { OptimizerCheckpointState, SchedulerCheckpointState, TrainingState } from './training-state';

/** Writes a training checkpoint (safetensors: model and momentum tensors, the rest as metadata), atomically. */
export function saveTrainingCheckpoint(file: string, state: TrainingState): void {
  const tensors = new Map<string, TensorRecord>();
  for (const [k, t] of state.model) tensors.set(MODEL + k, t);
  for (const [k, b] of Object.entries(state.optimizer?.momentumBuffers ?? {})) {
    tensors.set(MOMENTUM + k, { shape: b.shape, dtype: 'float32', data: b.values });
  }
  const metadata: Record<string, string> = { format: FORMAT, iteration: String(state.iteration) };
  if (state.optimizer) metadata.optimizer_lr = String(state.optimizer.lr);
  if (state.scheduler) metadata.scheduler = JSON.stringify(state.scheduler);
  if (state.config !== undefined) metadata.config = state.config;
  writeSafetensors(file, { tensors, metadata });
}

/** Reads a checkpoint written by `saveTrainingCheckpoint`; errors name the file. */
export function loadTrainingCheckpoint(file: string): TrainingState {
  return trainingStateFrom(readSafetensors(file), file);
}

/** Saves checkpoints in OUTPUT_DIR and keeps the `last_checkpoint` pointer, as the reference does. */
export class Checkpointer {
  static readonly POINTER = 'last_checkpoint';

  constructor(readonly outputDir: string) {}

  /** Saves `<name>.safetensors` atomically, then points `last_checkpoint` at it; returns its path. */
  save(name: string, state: TrainingState): string {
    mkdirSync(this.outputDir, { recursive: true });
    const file = path.join(this.outputDir, `${name}.safetensors`);
    saveTrainingCheckpoint(file, state);
    // Only after the checkpoint is complete does the pointer move to it.
    writeFileAtomic(path.join(this.outputDir, Checkpointer.POINTER), `${path.basename(file)}\n`);
    return file;
  }

  /** The checkpoint `last_checkpoint` points at, if any (relative paths are relative to OUTPUT_DIR). */
  lastCheckpoint(): string | undefined {
    const pointer = path.join(this.outputDir, Checkpointer.POINTER);
    if (!existsSync(pointer)) return undefined;
    // A file name: a few bytes (a FIFO or a huge file here is refused by name, not waited on or read).
    const target = readInputFile(pointer, { maxBytes: 4096, what: 'checkpoint pointer' })
      .toString('utf8')
      .trim();
    if (!target) {
      // Starting afresh here would overwrite the run's metrics: the user must say what they want.
      const saved = readdirSync(this.outputDir)
        .filter((f) => f.endsWith('.safetensors'))
        .sort();
      throw new Error(
        `${pointer} is empty: write into it the checkpoint to resume from` +
          `${saved.length ? ` (the newest is ${saved[saved.length - 1]})` : ''}, or delete it to start afresh`,
      );
    }
    const file = path.resolve(this.outputDir, target);
    if (!existsSync(file)) {
      throw new Error(
        `${pointer} points at ${cutText(file)}, which does not exist; delete the pointer to start afresh`,
      );
    }
    return file;
  }
}
