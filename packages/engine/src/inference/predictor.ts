import type { SSDConfig } from '@ssd/config';
import { type DecodedImage, decodeImage } from '@ssd/data';
import { buildTransforms, Rng } from '@ssd/transforms';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend/select';
import { resolveCheckpoint } from '../checkpoint/resolve';
import { type Detector, loadDetector } from './detector';
import { scaleBoxes } from './inference';

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
  private readonly transform;

  constructor(
    readonly cfg: SSDConfig,
    readonly model: Detector,
    readonly classNames: readonly string[],
  ) {
    this.transform = buildTransforms(cfg, false);
  }

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
    await initBackend(cfg.MODEL.DEVICE, log);
    const file = await resolveCheckpoint(ckpt, { log });
    if (classNames.length !== cfg.MODEL.NUM_CLASSES) {
      throw new Error(
        `the class list has ${classNames.length} names (background included) but MODEL.NUM_CLASSES is ${cfg.MODEL.NUM_CLASSES}`,
      );
    }
    const model = await loadDetector(cfg, file);
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
    const sample = this.transform(
      {
        image: image.data,
        width: image.width,
        height: image.height,
        boxes: new Float32Array(0),
        labels: new Int32Array(0),
      },
      new Rng(0),
    );
    const input = tf.tensor4d(sample.image, [1, size, size, 3]);
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
