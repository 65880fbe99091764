import type { SSDConfig } from '@ssd/config';
import { buildDetectionModel } from '@ssd/modeling';
import { initBackend } from '../backend/select';
import { resolveCheckpoint } from '../checkpoint/resolve';
import { loadWeights } from '../checkpoint/weights';
import { type Detector, isOnnxFile } from './detector';
import { placeOnnxModel, tensorDeviceForOnnx } from './onnx-placement';
import { type DetectorRuntime, describeRuntime } from './runtime';

/** A detector ready to run, the checkpoint file its weights came from and what runs it. */
export interface LoadedDetector {
  model: Detector;
  file: string;
  runtime: DetectorRuntime;
}

/**
 * An exported model on ONNX Runtime, through the optional @ssd/onnx: on its WebGPU execution provider for
 * MODEL.DEVICE webgpu (and auto on a hardware adapter), else on its CPU kernels with a thread per core.
 */
async function loadOnnx(cfg: SSDConfig, file: string, log: (line: string) => void): Promise<LoadedDetector> {
  let onnx: typeof import('@ssd/onnx');
  try {
    onnx = await import('@ssd/onnx');
  } catch (e) {
    throw new Error(
      `install @ssd/onnx and onnxruntime-node to run .onnx models (${file}): ${(e as Error).message}`,
    );
  }
  const device = cfg.MODEL.DEVICE;
  const tensors = tensorDeviceForOnnx(device);
  // The tfjs backend only carries images in and detections out: quiet unless MODEL.DEVICE named it.
  await initBackend(tensors, tensors === device ? log : () => {});
  const placement = await placeOnnxModel(device, onnx);
  const model = await onnx.OnnxDetector.load(file, cfg, { executionProviders: [placement.provider] });
  const runtime: DetectorRuntime = {
    runtime: 'onnxruntime',
    backend: placement.provider,
    device: placement.provider,
    adapter: placement.adapter,
  };
  const skipped = placement.skipped ? `; skipped ${placement.skipped}` : '';
  log(`Running ${file} on ${describeRuntime(runtime)} (MODEL.DEVICE ${device}${skipped}).`);
  return { model, file, runtime };
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
  if (isOnnxFile(ckpt)) return loadOnnx(cfg, await resolveCheckpoint(ckpt, { log }), log);
  const selected = await initBackend(cfg.MODEL.DEVICE, log);
  const file = await resolveCheckpoint(ckpt, { log });
  if (isOnnxFile(file)) return loadOnnx(cfg, file, log);
  const model = buildDetectionModel(cfg);
  try {
    loadWeights(model, file);
  } catch (e) {
    model.dispose();
    throw e;
  }
  const runtime: DetectorRuntime = { runtime: 'tfjs', ...selected };
  return { model, file, runtime };
}
