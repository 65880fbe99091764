/** Loading a checkpoint's bytes into a model, on any platform (Node reads the file first: weights.ts). */
import type { SSDDetector } from '@ssd/modeling';
import { loadModelStateRecords } from './model-state';
import { parseSafetensors } from './safetensors-format';
import { readTorchCheckpoint } from './torch/read-checkpoint';
import type { TensorLimit } from './torch/storage-loader';
import { trainingStateFrom } from './training-state';

/** The checkpoint formats a detector's weights load from: the reference's `.pth`, and ours (`.safetensors`). */
export type WeightsFormat = 'pth' | 'safetensors';

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
export function tensorLimitFor(model: SSDDetector): TensorLimit {
  let bytes = 0;
  for (const v of model.stateDict().values()) bytes += v.size * 4;
  return {
    bytes: MAX_CHECKPOINT_MODELS * bytes + 2 ** 20,
    reason: `${MAX_CHECKPOINT_MODELS}× this model's ${size(bytes)}; is the checkpoint for another model?`,
  };
}

/**
 * Loads weights into the model from the bytes of our checkpoint (`safetensors`) or a reference PyTorch
 * checkpoint (`pth`, a zip holding `{'model': state_dict}`); strict, errors name `name` (a URL, a File's name)
 * and the tensor.
 */
export function loadWeightBytes(
  model: SSDDetector,
  bytes: Uint8Array,
  name: string,
  format: WeightsFormat,
): void {
  if (format === 'pth') {
    const { stateDict } = readTorchCheckpoint(bytes, { tensorLimit: tensorLimitFor(model), name });
    checkClassCount(model, stateDict, name);
    model.loadTorchStateDict(stateDict, name);
  } else {
    const records = trainingStateFrom(parseSafetensors(bytes, name), name).model;
    checkClassCount(model, records, name);
    loadModelStateRecords(model, records, name);
  }
}

/**
 * The class count (background included) a state_dict's first classification head gives: its last weight's
 * output channels over the boxes per location. Undefined when the state_dict has no such head.
 */
function headClasses(
  stateDict: ReadonlyMap<string, { readonly shape: readonly number[] }>,
  boxesPerLocation: number,
): number | undefined {
  let last: readonly number[] | undefined;
  for (const [key, tensor] of stateDict) {
    if (/^box_head\.predictor\.cls_headers\.0\.(.+\.)?weight$/.test(key)) last = tensor.shape;
  }
  const channels = last?.[0];
  return channels !== undefined && channels % boxesPerLocation === 0
    ? channels / boxesPerLocation
    : undefined;
}

/** A checkpoint for another class count fails naming both counts, before any tensor is compared. */
function checkClassCount(
  model: SSDDetector,
  stateDict: ReadonlyMap<string, { readonly shape: readonly number[] }>,
  name: string,
): void {
  const { NUM_CLASSES, PRIORS } = model.cfg.MODEL;
  const classes = headClasses(stateDict, PRIORS.BOXES_PER_LOCATION[0]!);
  if (classes !== undefined && classes !== NUM_CLASSES) {
    throw new Error(
      `${name} does not match the model: its classifier gives ${classes} classes (background included) but MODEL.NUM_CLASSES is ${NUM_CLASSES}; is it for another config?`,
    );
  }
}
