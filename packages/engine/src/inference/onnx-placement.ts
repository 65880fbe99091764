/**
 * Where an `.onnx` model runs for a MODEL.DEVICE: ONNX Runtime's WebGPU execution provider for `webgpu` (any
 * adapter, a software one too) and for `auto` on a hardware adapter, its CPU kernels otherwise. The tfjs backend
 * only carries the images in and out then, so WebGPU and auto leave it on the CPU.
 */
import type { Device } from '@ssd/config';
import {
  BackendUnavailableError,
  findWebGpuAdapter,
  type GpuAdapterDescription,
  hasGpuDevice,
} from '../backend/loaders';

type OnnxModule = typeof import('@ssd/onnx');

/** The execution provider chosen, the adapter it runs on (as Dawn describes it) and what `auto` skipped. */
export interface OnnxPlacement {
  readonly provider: 'cpu' | 'webgpu';
  readonly adapter?: GpuAdapterDescription;
  readonly skipped?: string;
}

/** The MODEL.DEVICE whose tfjs backend holds an `.onnx` model's inputs: the model itself runs on ONNX Runtime. */
export function tensorDeviceForOnnx(device: Device): Exclude<Device, 'auto' | 'webgpu'> {
  return device === 'auto' || device === 'webgpu' ? 'cpu' : device;
}

/** The adapter Dawn sees, or undefined when the optional `webgpu` package is not installed to ask it. */
async function adapterIfKnown(): Promise<GpuAdapterDescription | undefined> {
  try {
    return await findWebGpuAdapter();
  } catch (e) {
    if (e instanceof BackendUnavailableError && /did not load/.test(e.reason)) return undefined;
    throw e;
  }
}

/** Picks ONNX Runtime's execution provider for `device`; throws BackendUnavailableError for `webgpu` without one. */
export async function placeOnnxModel(device: Device, onnx: OnnxModule): Promise<OnnxPlacement> {
  if (device === 'webgpu') {
    if (!(await onnx.bundledProviders()).includes('webgpu')) {
      throw new BackendUnavailableError(
        'webgpu',
        `this onnxruntime-node build (${process.platform}-${process.arch}) has no WebGPU execution provider for .onnx models`,
        'Its Linux x64 and Windows builds have it; use MODEL.DEVICE cpu here.',
      );
    }
    // ONNX Runtime brings its own Dawn and says itself when it finds no adapter; ours only names the adapter.
    const adapter = await adapterIfKnown().catch(() => undefined);
    return { provider: 'webgpu', adapter };
  }
  if (device !== 'auto') return { provider: 'cpu' };
  if (!hasGpuDevice()) return { provider: 'cpu', skipped: 'webgpu: no GPU device on this machine' };
  if (!(await onnx.bundledProviders()).includes('webgpu')) {
    return { provider: 'cpu', skipped: 'webgpu: not in this onnxruntime-node build' };
  }
  let adapter: GpuAdapterDescription | undefined;
  try {
    adapter = await adapterIfKnown();
  } catch (e) {
    return { provider: 'cpu', skipped: `webgpu: ${(e as BackendUnavailableError).reason ?? e}` };
  }
  if (adapter?.software)
    return { provider: 'cpu', skipped: `webgpu: only a software adapter (${adapter.name})` };
  // A GPU device node but no `webgpu` package to describe it: ONNX Runtime's own session on it decides.
  try {
    await onnx.checkProvider('webgpu');
  } catch (e) {
    return { provider: 'cpu', skipped: `webgpu: ${(e as Error).message.split('\n')[0]}` };
  }
  return { provider: 'webgpu', adapter };
}
