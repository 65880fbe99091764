/** The one place a checkpoint file becomes a runnable detector: tfjs weights, or an `.onnx` on ONNX Runtime. */
import type { SSDConfig } from '@ssd/config';
import { buildDetectionModel, type Detections } from '@ssd/modeling';
import type * as tf from '@tensorflow/tfjs-core';
import { loadWeights } from '../checkpoint/weights';

/** What inference needs of a model: an SSDDetector, or an exported model run by ONNX Runtime. */
export interface Detector {
  /** Detections per image for mean-subtracted NHWC images, boxes in input pixels. */
  detect(images: tf.Tensor4D): Promise<Detections[]>;
  dispose(): void;
}

/** Whether a checkpoint file is an exported ONNX model. */
export function isOnnxFile(file: string): boolean {
  return /\.onnx$/i.test(file);
}

/**
 * The detector `file` holds: an `.onnx` runs on ONNX Runtime's CPU provider (threads = cores) through the
 * optional @ssd/onnx package; anything else is loaded into the config's model (see `loadWeights`).
 */
export async function loadDetector(cfg: SSDConfig, file: string): Promise<Detector> {
  if (isOnnxFile(file)) {
    let onnx: typeof import('@ssd/onnx');
    try {
      onnx = await import('@ssd/onnx');
    } catch (e) {
      throw new Error(
        `install @ssd/onnx and onnxruntime-node to run .onnx models (${file}): ${(e as Error).message}`,
      );
    }
    return onnx.OnnxDetector.load(file, cfg);
  }
  const model = buildDetectionModel(cfg);
  try {
    loadWeights(model, file);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
