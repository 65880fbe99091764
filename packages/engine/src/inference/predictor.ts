import { scaleBoxes } from '@ssd/boxes';
import type { SSDConfig } from '@ssd/config';
import { type DecodedImage, decodeImage, resizeBilinear, subtractMean } from '@ssd/image';
import * as tf from '@tensorflow/tfjs-core';
import { checkClassNames } from './class-names';
import type { Detector } from './detector';
import { loadDetector } from './load-detector';

/** One detected object, box in the original image's pixels. */
export interface DetectedObject {
  box: [number, number, number, number];
  label: string;
  labelId: number;
  score: number;
}

/** Detections of one image and how long each part took. */
export interface ImageResult {
  width: number;
  height: number;
  objects: DetectedObject[];
  /** Milliseconds spent reading and decoding the image. */
  loadMs: number;
  /** Milliseconds spent transforming and running the model. */
  inferenceMs: number;
}

/**
 * Runs a detector on single images: decode, test transform, model, boxes back in the original pixels,
 * labels named. `await Predictor.load(cfg, ckpt, classNames)` then `predictor.detectFile(path)`.
 */
export class Predictor {
  constructor(
    readonly cfg: SSDConfig,
    readonly model: Detector,
    readonly classNames: readonly string[],
  ) {}

  /**
   * Selects the backend, builds the model and loads `ckpt` (a path, `.pth` or ours, a URL or a model zoo name);
   * an `.onnx` export runs on ONNX Runtime instead.
   */
  static async load(
    cfg: SSDConfig,
    ckpt: string,
    classNames: readonly string[],
    log: (line: string) => void = (l) => console.log(l),
  ): Promise<Predictor> {
    checkClassNames(cfg, classNames);
    const { model } = await loadDetector(cfg, ckpt, log);
    return new Predictor(cfg, model, classNames);
  }

  /** Detects objects in an image file, keeping those scoring at least `scoreThreshold`. */
  async detectFile(file: string, scoreThreshold = 0): Promise<ImageResult & { image: DecodedImage }> {
    const start = performance.now();
    const image = await decodeImage(file);
    const loadMs = performance.now() - start;
    return { ...(await this.detect(image, scoreThreshold)), loadMs, image };
  }

  /** Detects objects in a decoded RGB image. */
  async detect(image: DecodedImage, scoreThreshold = 0): Promise<ImageResult> {
    const start = performance.now();
    const size = this.cfg.INPUT.IMAGE_SIZE;
    // The reference's test transform: Resize (cv2 bilinear), SubtractMeans, ToTensor (NHWC needs no permute).
    const resized = resizeBilinear(image.data, image.width, image.height, size, size);
    const input = tf.tensor4d(subtractMean(resized, this.cfg.INPUT.PIXEL_MEAN), [1, size, size, 3]);
    let found: Awaited<ReturnType<Detector['detect']>>[number];
    try {
      [found] = await this.model.detect(input);
    } finally {
      input.dispose();
    }
    const boxes = scaleBoxes(found!.boxes, size, image.width, image.height);
    const objects: DetectedObject[] = [];
    for (let i = 0; i < found!.scores.length; i++) {
      const score = found!.scores[i]!;
      if (score < scoreThreshold) continue;
      const labelId = found!.labels[i]!;
      objects.push({
        box: [boxes[4 * i]!, boxes[4 * i + 1]!, boxes[4 * i + 2]!, boxes[4 * i + 3]!],
        label: this.classNames[labelId] ?? String(labelId),
        labelId,
        score,
      });
    }
    return {
      width: image.width,
      height: image.height,
      objects,
      loadMs: 0,
      inferenceMs: performance.now() - start,
    };
  }

  /** Frees the model. */
  dispose(): void {
    this.model.dispose();
  }
}
