/** What inference runs: a tfjs SSDDetector, or an exported `.onnx` model on ONNX Runtime. */
import type { Detections } from '@ssd/modeling';
import type * as tf from '@tensorflow/tfjs-core';

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
