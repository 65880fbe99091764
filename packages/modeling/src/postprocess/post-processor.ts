import { batchedNms, cornersOf, decodeCenterSize } from '@ssd/boxes';
import * as tf from '@tensorflow/tfjs-core';
import { splitCenterSize, TENSOR_ARITHMETIC } from './box-tensors';

/** The config fields post-processing reads; any full `SSDConfig` satisfies it. */
export interface PostProcessConfig {
  INPUT: { IMAGE_SIZE: number };
  MODEL: { CENTER_VARIANCE: number; SIZE_VARIANCE: number };
  TEST: {
    CONFIDENCE_THRESHOLD: number;
    NMS_THRESHOLD: number;
    MAX_PER_CLASS: number;
    MAX_PER_IMAGE: number;
  };
}

/** One image's detections, highest score first: corner boxes in input pixels (`n × 4`), labels, scores. */
export interface Detections {
  boxes: Float32Array;
  labels: Int32Array;
  scores: Float32Array;
}

interface PackedLayout {
  numImages: number;
  numPriors: number;
  numClasses: number;
}

function checkShapes(
  clsLogits: tf.Tensor,
  bboxPred: tf.Tensor,
  priors: tf.Tensor | Float32Array,
): PackedLayout {
  if (clsLogits.rank !== 3) {
    throw new Error(`postProcess: clsLogits must be [N, P, C], got shape [${clsLogits.shape}]`);
  }
  const [numImages, numPriors, numClasses] = clsLogits.shape;
  const want = [numImages, numPriors, 4];
  if (bboxPred.rank !== 3 || bboxPred.shape.some((d, i) => d !== want[i])) {
    throw new Error(`postProcess: bboxPred must be [${want}], got shape [${bboxPred.shape}]`);
  }
  const priorCount = priors instanceof Float32Array ? priors.length / 4 : priors.shape[0];
  const priorRow = priors instanceof Float32Array ? 4 : priors.shape[1];
  if (priorCount !== numPriors || priorRow !== 4) {
    throw new Error(`postProcess: priorsCenter must hold ${numPriors} × 4 values to match clsLogits`);
  }
  return { numImages, numPriors, numClasses };
}

/** Softmax scores and decoded corner boxes side by side: one `[N, P, C + 4]` tensor to read at once. */
function packScoresAndBoxes(
  clsLogits: tf.Tensor,
  bboxPred: tf.Tensor,
  priorsCenter: tf.Tensor | Float32Array,
  cfg: PostProcessConfig,
): tf.Tensor {
  return tf.tidy(() => {
    const priors =
      priorsCenter instanceof Float32Array
        ? tf.tensor2d(priorsCenter, [priorsCenter.length / 4, 4])
        : priorsCenter;
    const boxes = decodeCenterSize(
      TENSOR_ARITHMETIC,
      splitCenterSize(bboxPred),
      splitCenterSize(priors),
      cfg.MODEL.CENTER_VARIANCE,
      cfg.MODEL.SIZE_VARIANCE,
    );
    const { min, max } = cornersOf(TENSOR_ARITHMETIC, boxes);
    return tf.concat([tf.softmax(clsLogits), min, max], -1);
  });
}

/**
 * The reference's PostProcessor on one image's packed rows: every (prior, foreground class) pair above
 * CONFIDENCE_THRESHOLD is a candidate (prior-major order), boxes are scaled to input pixels, then
 * per-class NMS and the top MAX_PER_IMAGE by score. MAX_PER_CLASS (the reference ignores it) caps each
 * class after NMS; a negative MAX_PER_* means no cap.
 */
function selectDetections(
  packed: Float32Array,
  image: number,
  { numPriors, numClasses }: PackedLayout,
  cfg: PostProcessConfig,
): Detections {
  const row = numClasses + 4;
  const base = image * numPriors * row;
  const threshold = cfg.TEST.CONFIDENCE_THRESHOLD;
  let count = 0;
  for (let p = 0; p < numPriors; p++) {
    for (let c = 1; c < numClasses; c++) if (packed[base + p * row + c] > threshold) count++;
  }
  const boxes = new Float32Array(count * 4);
  const scores = new Float32Array(count);
  const labels = new Int32Array(count);
  const size = cfg.INPUT.IMAGE_SIZE;
  let k = 0;
  for (let p = 0; p < numPriors; p++) {
    const r = base + p * row;
    for (let c = 1; c < numClasses; c++) {
      if (!(packed[r + c] > threshold)) continue;
      scores[k] = packed[r + c];
      labels[k] = c;
      for (let d = 0; d < 4; d++) boxes[4 * k + d] = packed[r + numClasses + d] * size;
      k++;
    }
  }
  const keep = batchedNms(
    boxes,
    scores,
    labels,
    cfg.TEST.NMS_THRESHOLD,
    cfg.TEST.MAX_PER_CLASS,
    cfg.TEST.MAX_PER_IMAGE,
  );
  const out: Detections = {
    boxes: new Float32Array(keep.length * 4),
    labels: new Int32Array(keep.length),
    scores: new Float32Array(keep.length),
  };
  keep.forEach((i, n) => {
    out.boxes.set(boxes.subarray(4 * i, 4 * i + 4), 4 * n);
    out.labels[n] = labels[i];
    out.scores[n] = scores[i];
  });
  return out;
}

function selectAll(packed: Float32Array, layout: PackedLayout, cfg: PostProcessConfig): Detections[] {
  return Array.from({ length: layout.numImages }, (_, image) => selectDetections(packed, image, layout, cfg));
}

/**
 * Post-processing of scores already softmaxed `[N, P, C]` and boxes already decoded to relative corners
 * `[N, P, 4]` (an exported model's outputs, e.g. ONNX): the same thresholding, NMS and top-k as `postProcess`.
 */
export function detectionsFromScores(
  scores: Float32Array,
  boxes: Float32Array,
  numImages: number,
  numClasses: number,
  cfg: PostProcessConfig,
): Detections[] {
  const numPriors = boxes.length / (4 * numImages);
  if (!Number.isInteger(numPriors) || scores.length !== numImages * numPriors * numClasses) {
    throw new Error(
      `detectionsFromScores: ${scores.length} scores and ${boxes.length / 4} boxes do not make ${numImages} images × P priors × ${numClasses} classes`,
    );
  }
  // Interleave into the [N, P, C + 4] rows selectDetections reads.
  const row = numClasses + 4;
  const packed = new Float32Array(numImages * numPriors * row);
  for (let r = 0; r < numImages * numPriors; r++) {
    packed.set(scores.subarray(r * numClasses, (r + 1) * numClasses), r * row);
    packed.set(boxes.subarray(4 * r, 4 * r + 4), r * row + numClasses);
  }
  return selectAll(packed, { numImages, numPriors, numClasses }, cfg);
}

/**
 * SSD post-processing: class logits `[N, P, C]` and box regressions `[N, P, 4]` → per-image detections
 * (softmax, decoding against `priorsCenter`, thresholding, per-class NMS, top-k), reading the device once.
 */
export function postProcess(
  clsLogits: tf.Tensor,
  bboxPred: tf.Tensor,
  priorsCenter: tf.Tensor | Float32Array,
  cfg: PostProcessConfig,
): Detections[] {
  const layout = checkShapes(clsLogits, bboxPred, priorsCenter);
  const packed = packScoresAndBoxes(clsLogits, bboxPred, priorsCenter, cfg);
  try {
    return selectAll(packed.dataSync() as Float32Array, layout, cfg);
  } finally {
    packed.dispose();
  }
}

/** `postProcess` reading the tensors with `data()` instead of `dataSync()` (for GPU backends). */
export async function postProcessAsync(
  clsLogits: tf.Tensor,
  bboxPred: tf.Tensor,
  priorsCenter: tf.Tensor | Float32Array,
  cfg: PostProcessConfig,
): Promise<Detections[]> {
  const layout = checkShapes(clsLogits, bboxPred, priorsCenter);
  const packed = packScoresAndBoxes(clsLogits, bboxPred, priorsCenter, cfg);
  try {
    return selectAll((await packed.data()) as Float32Array, layout, cfg);
  } finally {
    packed.dispose();
  }
}
