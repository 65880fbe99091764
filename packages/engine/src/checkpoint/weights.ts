import type { SSDDetector } from '@ssd/modeling';
import { loadTrainingCheckpoint } from './checkpointer';
import { loadModelStateRecords } from './model-state';
import { readTorchCheckpoint, type TensorLimit } from './torch';

/**
 * A `.pth` may hold the model and, say, its optimizer's buffers; this many times the model's own
 * size (plus 1 MiB) is more than any checkpoint for it needs.
 */
const MAX_CHECKPOINT_MODELS = 4;

/** A byte count for a message, in the unit that keeps a digit or two before the point. */
function size(bytes: number): string {
  return bytes < 2 ** 20 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** The most bytes a `.pth`'s tensors may take to be loaded into `model`. */
function tensorLimitFor(model: SSDDetector): TensorLimit {
  let bytes = 0;
  for (const v of model.stateDict().values()) bytes += v.size * 4;
  return {
    bytes: MAX_CHECKPOINT_MODELS * bytes + 2 ** 20,
    reason: `${MAX_CHECKPOINT_MODELS}× this model's ${size(bytes)}; is the checkpoint for another model?`,
  };
}

/**
 * Loads weights into the model from our checkpoint (`.safetensors`) or a reference PyTorch checkpoint
 * (`.pth`, a zip holding `{'model': state_dict}`); strict, errors name the file and tensor.
 */
export function loadWeights(model: SSDDetector, file: string): void {
  if (/\.(pth|pt)$/i.test(file)) {
    model.loadTorchStateDict(
      readTorchCheckpoint(file, { tensorLimit: tensorLimitFor(model) }).stateDict,
      file,
    );
  } else {
    loadModelStateRecords(model, loadTrainingCheckpoint(file).model, file);
  }
}
