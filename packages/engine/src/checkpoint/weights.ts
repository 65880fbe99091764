import { readTorchCheckpoint, type SSDDetector } from '@ssd/modeling';
import { loadModelStateRecords } from '../train/state';
import { loadTrainingCheckpoint } from './checkpointer';

/**
 * Loads weights into the model from our checkpoint (`.safetensors`) or a reference PyTorch checkpoint
 * (`.pth`, a zip holding `{'model': state_dict}`); strict, errors name the file and tensor.
 */
export function loadWeights(model: SSDDetector, file: string): void {
  if (/\.(pth|pt)$/i.test(file)) {
    model.loadTorchStateDict(readTorchCheckpoint(file).stateDict, file);
  } else {
    loadModelStateRecords(model, loadTrainingCheckpoint(file).model, file);
  }
}
