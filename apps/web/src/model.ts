/** Loading the detector the page's choices describe: a config, its weights (zoo file or a file) and a device. */
import '@tensorflow/tfjs-backend-webgpu';
import '@ssd/onnx';
import { type Device, loadConfig, shippedConfigNames } from '@ssd/config';
import { type DownloadProgress, findZooModel, Predictor } from '@ssd/engine';
import { classNamesFor } from './classes';
import { TFJS_WASM_PATHS } from './wasm-files';

/** What the user chose. */
export interface ModelChoice {
  readonly config: string;
  /** The zoo file (through `mirror`), or a checkpoint file from disk. */
  readonly weights:
    | { readonly kind: 'zoo'; readonly mirror: string }
    | { readonly kind: 'file'; readonly file: File };
  readonly device: Device;
}

/** The shipped configs, those with a published model first. */
export function configChoices(): { name: string; zoo: boolean }[] {
  return shippedConfigNames()
    .map((name) => ({ name, zoo: findZooModel(name) !== undefined }))
    .sort((a, b) => Number(b.zoo) - Number(a.zoo) || a.name.localeCompare(b.name));
}

/**
 * Loads the detector `choice` describes, reporting progress and log lines; errors (an unknown config, a checkpoint
 * that is not one, or is for another model, a download refused) say what and which.
 */
export async function loadModel(
  choice: ModelChoice,
  onProgress: (progress: DownloadProgress) => void,
  log: (line: string) => void,
): Promise<Predictor> {
  const cfg = loadConfig(choice.config, ['MODEL.DEVICE', choice.device]);
  const common = { log, onProgress, wasmPaths: TFJS_WASM_PATHS };
  if (choice.weights.kind === 'file') {
    return Predictor.load(cfg, choice.weights.file, classNamesFor(cfg), common);
  }
  if (!findZooModel(choice.config)) {
    throw new Error(`${choice.config} has no published model: choose a checkpoint file from disk`);
  }
  const mirror = choice.weights.mirror.trim() || undefined;
  return Predictor.load(cfg, choice.config, classNamesFor(cfg), { ...common, mirror });
}
