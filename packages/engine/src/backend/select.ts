import type { Device } from '@ssd/config';
import { registerInferenceKernels } from '@ssd/kernels';
import { type BackendChoices, chooseBackend, type SelectedBackend } from './choose';
import { BACKEND_LOADERS, hasGpuDevice } from './loaders';

export type { SelectedBackend } from './choose';

/** Node's backends: `auto` tries CUDA, WebGPU (on a hardware adapter, where a GPU device exists), native CPU, wasm. */
const NODE_BACKENDS: BackendChoices = {
  loaders: BACKEND_LOADERS,
  autoOrder: ['cuda', 'webgpu', 'cpu'],
  skip: (candidate) =>
    candidate === 'webgpu' && !hasGpuDevice() ? 'no GPU device on this machine' : undefined,
};

/**
 * Makes the backend MODEL.DEVICE names current, with the kernels inference needs on it to match the
 * reference (`registerInferenceKernels` of @ssd/kernels). `auto` tries CUDA, WebGPU (on a hardware adapter
 * only), native CPU, then WebAssembly, and logs which one it chose (and the GPU adapter) and why others were
 * skipped. An explicit `webgpu` takes a software adapter too.
 */
export async function initBackend(
  device: Device,
  log: (line: string) => void = (l) => console.log(l),
): Promise<SelectedBackend> {
  const selected = await chooseBackend(device, log, NODE_BACKENDS);
  registerInferenceKernels(selected.backend);
  return selected;
}
