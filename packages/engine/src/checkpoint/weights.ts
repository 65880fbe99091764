import type { SSDDetector } from '@ssd/modeling';
import { loadTrainingCheckpoint } from './checkpointer';
import { loadModelStateRecords } from './model-state';
import { readTorchCheckpoint } from './torch';
import { tensorLimitFor } from './weight-bytes';

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
