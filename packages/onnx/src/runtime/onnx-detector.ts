/**
 * An exported detector run by ONNX Runtime (onnxruntime-node) on the CPU or its WebGPU provider: the same
 * `detect` contract as SSDDetector (mean-subtracted NHWC images in, detections in input pixels out), so
 * inference, evaluation and the demo take either.
 */
import type { SSDConfig } from '@ssd/config';
import { type Detections, detectionsFromScores } from '@ssd/modeling';
import type * as tf from '@tensorflow/tfjs-core';
import type { InferenceSession } from 'onnxruntime-node';
import { ONNX_BOXES, ONNX_INPUT, ONNX_SCORES } from '../export/io-names';
import {
  checkOnnxModel,
  checkRunOutputs,
  type ExpectedExport,
  expectedExport,
  OnnxModelError,
} from './check-model';
import { providerFailure, sessionOptions } from './execution-providers';
import { loadOnnxRuntime, type OnnxRuntime } from './load-ort';

/** NHWC [n, size, size, 3] → NCHW in a plain loop (tfjs-wasm's transpose of an image takes tens of ms). */
export function toNCHW(nhwc: Float32Array, n: number, size: number): Float32Array {
  const plane = size * size;
  const out = new Float32Array(nhwc.length);
  for (let b = 0; b < n; b++) {
    const base = b * plane * 3;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) out[base + c * plane + p] = nhwc[base + 3 * p + c];
    }
  }
  return out;
}

/** Options of `OnnxDetector.load`. */
export interface OnnxDetectorOptions {
  /** Threads of one operator (ONNX Runtime's intraOpNumThreads); default: the machine's cores. */
  readonly threads?: number;
  /**
   * ONNX Runtime execution providers in order of preference: ['webgpu'] (bundled in onnxruntime-node's Linux x64
   * and Windows builds; nodes it lacks run on the CPU), ['cuda', 'cpu'] with its GPU build; default ['cpu'].
   */
  readonly executionProviders?: readonly string[];
  /** What to call the model in messages when `load` is given its bytes (a URL, a File's name). */
  readonly name?: string;
}

/** Raw model outputs for a batch: softmax scores [N, P, C] and relative corner boxes [N, P, 4]. */
export interface OnnxOutputs {
  readonly scores: Float32Array;
  readonly boxes: Float32Array;
}

/** A `.onnx` detector (as `ssd export` writes) with the config that describes it; call `dispose()`. */
export class OnnxDetector {
  private readonly expected: ExpectedExport;

  private constructor(
    readonly cfg: SSDConfig,
    private readonly ort: OnnxRuntime,
    private readonly session: InferenceSession,
    /** The model file, named when the model fails. */
    readonly file: string,
    /** The execution providers the session was made with, in order of preference. */
    readonly executionProviders: readonly string[],
  ) {
    this.expected = expectedExport(cfg);
  }

  /**
   * Opens `model` (a path, or the file's bytes: what a page has) in ONNX Runtime; `cfg` supplies post-processing
   * and the input size. The model is checked first against what `ssd export` writes for `cfg` (see
   * `checkOnnxModel`): a model with other inputs or outputs, or tensors its input does not bound, is refused
   * before ONNX Runtime sees it.
   */
  static async load(
    model: string | Uint8Array,
    cfg: SSDConfig,
    options: OnnxDetectorOptions = {},
  ): Promise<OnnxDetector> {
    const file = typeof model === 'string' ? model : (options.name ?? '<ONNX model bytes>');
    checkOnnxModel(file, cfg, typeof model === 'string' ? undefined : model);
    const ort = await loadOnnxRuntime();
    const providers = [...(options.executionProviders ?? ['cpu'])];
    const opts = sessionOptions(providers, options.threads);
    let session: InferenceSession;
    try {
      session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, opts)
          : await ort.InferenceSession.create(model, opts);
    } catch (e) {
      throw new Error(`cannot load ONNX model ${file}: ${providerFailure(providers, e)}`);
    }
    return new OnnxDetector(cfg, ort, session, file, providers);
  }

  /** Runs the graph on NCHW images [N, 3, S, S] (S = INPUT.IMAGE_SIZE), mean subtracted. */
  async run(images: Float32Array, batchSize: number): Promise<OnnxOutputs> {
    const size = this.cfg.INPUT.IMAGE_SIZE;
    const input = new this.ort.Tensor('float32', images, [batchSize, 3, size, size]);
    let out: InferenceSession.ReturnType;
    try {
      out = await this.session.run({ [ONNX_INPUT]: input });
    } catch (e) {
      throw new OnnxModelError(
        `the ONNX model ${this.file} failed on a batch of ${batchSize}: ${(e as Error).message}; the model is at fault, not the images`,
      );
    }
    checkRunOutputs(this.file, this.expected, batchSize, out);
    return { scores: out[ONNX_SCORES]!.data as Float32Array, boxes: out[ONNX_BOXES]!.data as Float32Array };
  }

  /** Detections per image for mean-subtracted NHWC images (as SSDDetector.detect), boxes in input pixels. */
  async detect(images: tf.Tensor4D): Promise<Detections[]> {
    const [n, h, w] = images.shape;
    const size = this.cfg.INPUT.IMAGE_SIZE;
    if (images.shape[3] !== 3 || h !== size || w !== size) {
      throw new Error(
        `the ONNX detector expects images [N, ${size}, ${size}, 3], got [${images.shape.join(', ')}]`,
      );
    }
    const { scores, boxes } = await this.run(toNCHW((await images.data()) as Float32Array, n, size), n);
    return detectionsFromScores(scores, boxes, n, this.cfg.MODEL.NUM_CLASSES, this.cfg);
  }

  /** Releases the ONNX Runtime session. */
  dispose(): void {
    void this.session.release();
  }
}
