import type { SSDConfig } from '@ssd/config';
import { buildDetectionModel } from '@ssd/modeling';
import { initBackend } from '../backend/select';
import { resolveCheckpoint } from '../checkpoint/resolve';
import { loadWeights } from '../checkpoint/weights';
import { type Detector, isOnnxFile } from './detector';

/** A detector ready to run and the checkpoint file its weights came from. */
export interface LoadedDetector {
  model: Detector;
  file: string;
}

/** An exported model on ONNX Runtime's CPU provider (threads = cores), through the optional @ssd/onnx. */
async function loadOnnx(cfg: SSDConfig, file: string): Promise<Detector> {
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

/**
 * Selects MODEL.DEVICE's backend and loads `ckpt` (a path, `.pth` or ours, a URL or a model zoo name) into the
 * model `cfg` describes, or runs an `.onnx` export on ONNX Runtime: what every command that runs a trained
 * detector starts with.
 */
export async function loadDetector(
  cfg: SSDConfig,
  ckpt: string,
  log: (line: string) => void = (l) => console.log(l),
): Promise<LoadedDetector> {
  await initBackend(cfg.MODEL.DEVICE, log);
  const file = await resolveCheckpoint(ckpt, { log });
  if (isOnnxFile(file)) return { model: await loadOnnx(cfg, file), file };
  const model = buildDetectionModel(cfg);
  try {
    loadWeights(model, file);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, file };
}
