/**
 * Choosing the backend MODEL.DEVICE names, on any platform: Node's loaders (select.ts) and the browser's
 * (browser/backends.ts) plug in here, so both read `auto`, explicit choices and their log lines the same way.
 */
import type { Device } from '@ssd/config';
import * as tf from '@tensorflow/tfjs-core';
import { type BackendLoader, BackendUnavailableError, type GpuAdapterDescription } from './adapter';

/** The backend that ended up running, and which MODEL.DEVICE choice loaded it. */
export interface SelectedBackend {
  /** The tfjs backend name ('tensorflow', 'webgpu', 'wasm', 'cpu'). */
  backend: string;
  /** The MODEL.DEVICE value that loaded it ('auto' resolves to one of the others). */
  device: Exclude<Device, 'auto'>;
  /** The WebGPU adapter, when the backend is webgpu. */
  adapter?: GpuAdapterDescription;
}

/** A platform's backends: a loader per explicit MODEL.DEVICE, and what `auto` tries, fastest first. */
export interface BackendChoices {
  readonly loaders: Readonly<Record<Exclude<Device, 'auto'>, BackendLoader>>;
  readonly autoOrder: readonly Exclude<Device, 'auto'>[];
  /** Why `auto` skips a candidate without trying it (e.g. no GPU device on the machine), if it does. */
  readonly skip?: (candidate: Exclude<Device, 'auto'>) => string | undefined;
}

function onAdapter(adapter: GpuAdapterDescription | undefined): string {
  return adapter ? ` on ${adapter.software ? 'software adapter' : 'GPU'} '${adapter.name}'` : '';
}

/** `cpu` falls back to wasm when native TensorFlow is missing; report what actually runs. */
function backendDevice(candidate: Exclude<Device, 'auto'>, backend: string): SelectedBackend['device'] {
  return candidate === 'cpu' && backend === 'wasm' ? 'wasm' : candidate;
}

/**
 * Makes the backend `device` names current: an explicit device loads its own (a software WebGPU adapter too);
 * `auto` tries `choices.autoOrder` (WebGPU on a hardware adapter only) and logs which one it chose and why
 * others were skipped.
 */
export async function chooseBackend(
  device: Device,
  log: (line: string) => void,
  choices: BackendChoices,
): Promise<SelectedBackend> {
  // PROD silences tfjs's console advice ("install the node backend", re-registration notices).
  tf.env().set('PROD', true);
  if (device !== 'auto') {
    const { backend, adapter } = await choices.loaders[device]();
    log(`Using backend '${tf.getBackend()}' (MODEL.DEVICE ${device})${onAdapter(adapter)}.`);
    return { backend, device, adapter };
  }
  const skipped: string[] = [];
  for (const candidate of choices.autoOrder) {
    const skip = choices.skip?.(candidate);
    if (skip) {
      skipped.push(`${candidate}: ${skip}`);
      continue;
    }
    try {
      const { backend, adapter } = await choices.loaders[candidate]({ hardwareOnly: true });
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
