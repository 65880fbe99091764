/**
 * The browser's `Predictor`: Node's, with checkpoints from URLs, model zoo names (through a mirror), Files and
 * bytes, and images as pages hold them (<img>, <video>, canvases, bitmaps, ImageData, Files) besides decoded RGB.
 */
import type { SSDConfig } from '@ssd/config';
import { type BrowserImageInput, type DecodedImage, decodeImage, isDecodedImage } from '@ssd/image/browser';
import { checkClassNames } from '../inference/class-names';
import { type BrowserLoadOptions, loadDetector } from '../inference/load-detector.browser';
import { type ImageResult, Predictor as NodePredictor } from '../inference/predictor';
import type { CheckpointSource } from './checkpoint-source';

/** An image `detect` takes in a page: decoded RGB (`{ data, width, height }`), or anything `decodeImage` reads. */
export type DetectInput = DecodedImage | BrowserImageInput;

/**
 * Runs a detector in a page: `await Predictor.load(cfg, ckpt, classNames)` (ckpt a URL, a model zoo name with
 * `{ mirror }`, a File or bytes), then `await predictor.detect(img, scoreThreshold)` — the same objects, labels
 * and boxes (in the image's pixels) as Node's Predictor.
 */
export class Predictor extends NodePredictor {
  /**
   * Selects the backend (MODEL.DEVICE: auto takes WebGPU on a hardware adapter, else wasm), builds the model and
   * loads `ckpt` into it; an `.onnx` export runs on ONNX Runtime Web. The fourth argument is the options (or,
   * as in Node, a log function).
   */
  static override async load(
    cfg: SSDConfig,
    ckpt: CheckpointSource,
    classNames: readonly string[],
    options: BrowserLoadOptions | ((line: string) => void) = {},
  ): Promise<Predictor> {
    const { log, ...rest } = typeof options === 'function' ? { log: options } : options;
    checkClassNames(cfg, classNames);
    const loaded = await loadDetector(cfg, ckpt, log ?? ((line) => console.log(line)), rest);
    return new Predictor(cfg, loaded.model, classNames, loaded.runtime);
  }

  /**
   * Detects objects in an image — decoded RGB, or an <img> (waited for while it loads), <video> (its current
   * frame), canvas, ImageBitmap, ImageData, VideoFrame, File/Blob, bytes or URL — keeping those scoring at least
   * `scoreThreshold`. `loadMs` is the time spent reading the pixels.
   */
  override async detect(image: DetectInput, scoreThreshold = 0): Promise<ImageResult> {
    const start = performance.now();
    const decoded = isDecodedImage(image) ? image : await decodeImage(image);
    const loadMs = performance.now() - start;
    return { ...(await super.detect(decoded, scoreThreshold)), loadMs };
  }
}
