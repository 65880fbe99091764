import type { Device } from '@ssd/config';
import { registerInferenceKernels } from '@ssd/kernels';
import * as tf from '@tensorflow/tfjs-core';
import {
  BACKEND_LOADERS,
  BackendUnavailableError,
  type GpuAdapterDescription,
  hasGpuDevice,
} from './loaders';

/** The backend that ended up running, and which MODEL.DEVICE choice loaded it. */
export interface SelectedBackend {
  /** The tfjs backend name ('tensorflow', 'webgpu', 'wasm', 'cpu'). */
  backend: string;
  /** The MODEL.DEVICE value that loaded it ('auto' resolves to one of the others). */
  device: Exclude<Device, 'auto'>;
  /** The WebGPU adapter, when the backend is webgpu. */
  adapter?: GpuAdapterDescription;
}

function onAdapter(adapter: GpuAdapterDescription | undefined): string {
  return adapter ? ` on ${adapter.software ? 'software adapter' : 'GPU'} '${adapter.name}'` : '';
}

/** Order tried by `auto`: fastest first. */
const AUTO_ORDER = ['cuda', 'webgpu', 'cpu'] as const;

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
  const selected = await selectBackend(device, log);
  registerInferenceKernels(selected.backend);
  return selected;
}

async function selectBackend(device: Device, log: (line: string) => void): Promise<SelectedBackend> {
  // PROD silences tfjs's console advice ("install the node backend", re-registration notices).
  tf.env().set('PROD', true);
  if (device !== 'auto') {
    const { backend, adapter } = await BACKEND_LOADERS[device]();
    log(`Using backend '${tf.getBackend()}' (MODEL.DEVICE ${device})${onAdapter(adapter)}.`);
    return { backend, device, adapter };
  }
  const skipped: string[] = [];
  for (const candidate of AUTO_ORDER) {
    if (candidate === 'webgpu' && !hasGpuDevice()) {
      skipped.push('webgpu: no GPU device on this machine');
      continue;
    }
    try {
      const { backend, adapter } = await BACKEND_LOADERS[candidate]({ hardwareOnly: true });
      const why = skipped.length > 0 ? ` (skipped ${skipped.join('; ')})` : '';
      const chosen = backendDevice(candidate, backend);
      log(`Using backend '${backend}' (MODEL.DEVICE auto → ${chosen})${onAdapter(adapter)}${why}.`);
      return { backend, device: chosen, adapter };
    } catch (e) {
      if (!(e instanceof BackendUnavailableError)) throw e;
      skipped.push(`${candidate}: ${e.reason}`);
    }
  }
  throw new BackendUnavailableError('auto', `no backend loaded (${skipped.join('; ')})`);
}

/** `cpu` falls back to wasm when native TensorFlow is missing; report what actually runs. */
function backendDevice(candidate: (typeof AUTO_ORDER)[number], backend: string): SelectedBackend['device'] {
  return candidate === 'cpu' && backend === 'wasm' ? 'wasm' : candidate;
}
