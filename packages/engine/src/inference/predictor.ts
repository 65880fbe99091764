import { scaleBoxes } from '@ssd/boxes';
import type { SSDConfig } from '@ssd/config';
import { type DecodedImage, decodeImage } from '@ssd/image';
import type { Detections } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';
import { checkClassNames } from './class-names';
import type { Detector } from './detector';
import { loadDetector } from './load-detector';
import { type PreparedImage, prepareImage } from './prepare';
import type { DetectorRuntime } from './runtime';

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
  /** Milliseconds spent transforming and running the model: for a batch, the whole batch's. */
  inferenceMs: number;
}

/** What runs `model` when the caller did not say: an ONNX Runtime session names its providers. */
function runtimeOf(model: Detector): DetectorRuntime {
  const providers = (model as { executionProviders?: readonly string[] }).executionProviders;
  if (providers) {
    const backend = providers[0] ?? 'cpu';
    return { runtime: 'onnxruntime', backend, device: backend === 'webgpu' ? 'webgpu' : 'cpu' };
  }
  const backend = tf.getBackend();
  const devices: Record<string, DetectorRuntime['device']> = {
    tensorflow: 'cpu',
    webgpu: 'webgpu',
    wasm: 'wasm',
    cpu: 'js',
  };
  return { runtime: 'tfjs', backend, device: devices[backend] ?? 'cpu' };
}

/**
 * Runs a detector on images: test transform, model, boxes back in the original pixels, labels named.
 * `await Predictor.load(cfg, ckpt, classNames)` then `predictor.detectFile(path)`, `detect(image)` for a decoded
 * image, or `detectBatch(images)` to run several as one model call.
 */
export class Predictor {
  /** What runs the model (tfjs and its backend, or ONNX Runtime and its execution provider). */
  readonly runtime: DetectorRuntime;

  constructor(
    readonly cfg: SSDConfig,
    readonly model: Detector,
    readonly classNames: readonly string[],
    runtime?: DetectorRuntime,
  ) {
    this.runtime = runtime ?? runtimeOf(model);
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
    checkClassNames(cfg, classNames);
    const { model, runtime } = await loadDetector(cfg, ckpt, log);
    return new Predictor(cfg, model, classNames, runtime);
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
    return (await this.detectBatch([image], scoreThreshold))[0]!;
  }

  /** Detects objects in decoded RGB images, run as one batch through the model: one result per image, in order. */
  async detectBatch(images: readonly DecodedImage[], scoreThreshold = 0): Promise<ImageResult[]> {
    const start = performance.now();
    const prepared = images.map((image) => this.prepare(image));
    const results = await this.detectPrepared(prepared, scoreThreshold);
    const ms = performance.now() - start;
    for (const r of results) r.inferenceMs = ms;
    return results;
  }

  /** The test transform of one image (resize, mean subtraction): the part of detection that needs no model. */
  prepare(image: DecodedImage): PreparedImage {
    return prepareImage(image, this.cfg);
  }

  /** Runs prepared images (see `prepare`) through the model as one batch: one result per image, in order. */
  async detectPrepared(images: readonly PreparedImage[], scoreThreshold = 0): Promise<ImageResult[]> {
    if (images.length === 0) return [];
    const start = performance.now();
    const size = this.cfg.INPUT.IMAGE_SIZE;
    const pixels = size * size * 3;
    const batch = new Float32Array(images.length * pixels);
    images.forEach((image, i) => {
      if (image.input.length !== pixels) {
        throw new Error(
          `prepared image ${i} has ${image.input.length} values; INPUT.IMAGE_SIZE ${size} needs ${size}×${size}×3 = ${pixels}`,
        );
      }
      batch.set(image.input, i * pixels);
    });
    const input = tf.tensor4d(batch, [images.length, size, size, 3]);
    let found: Detections[];
    try {
      found = await this.model.detect(input);
    } finally {
      input.dispose();
    }
    const inferenceMs = performance.now() - start;
    return images.map((image, i) => ({
      width: image.width,
      height: image.height,
      objects: this.objects(found[i]!, image, scoreThreshold),
      loadMs: 0,
      inferenceMs,
    }));
  }

  /** The detections of one image at or above `scoreThreshold`, boxes in its pixels, labels named. */
  private objects(found: Detections, image: PreparedImage, scoreThreshold: number): DetectedObject[] {
    const size = this.cfg.INPUT.IMAGE_SIZE;
    const boxes = scaleBoxes(found.boxes, size, image.width, image.height);
    const objects: DetectedObject[] = [];
    for (let i = 0; i < found.scores.length; i++) {
      const score = found.scores[i]!;
      if (score < scoreThreshold) continue;
      const labelId = found.labels[i]!;
      objects.push({
        box: [boxes[4 * i]!, boxes[4 * i + 1]!, boxes[4 * i + 2]!, boxes[4 * i + 3]!],
        label: this.classNames[labelId] ?? String(labelId),
        labelId,
        score,
      });
    }
    return objects;
  }

  /** Frees the model. */
  dispose(): void {
    this.model.dispose();
  }
}
