/**
 * What every platform's backend loaders share (Node's loaders.ts, the browser's browser/backends.ts): the error
 * that says why a backend cannot be used, making a loaded backend current, and describing a WebGPU adapter.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Why a backend could not be used, with what to do about it. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly device: string,
    /** The reason alone, short enough for a one-line summary. */
    readonly reason: string,
    hint = '',
  ) {
    super(`MODEL.DEVICE ${device} is not available: ${reason}${hint ? `. ${hint}` : ''}`);
    this.name = 'BackendUnavailableError';
  }
}

/** The WebGPU adapter a backend runs on. */
export interface GpuAdapterDescription {
  /** What the driver calls it (e.g. 'NVIDIA H200', 'llvmpipe: Mesa 25.0.7 …'). */
  readonly name: string;
  /** A CPU implementation of the GPU API (llvmpipe/lavapipe, SwiftShader, WARP): slower than wasm. */
  readonly software: boolean;
  /** Optional features it offers that matter for speed (shader-f16, subgroups, timestamp-query). */
  readonly features: readonly string[];
}

/** A loaded backend: its tfjs name, and the adapter for a GPU backend. */
export interface LoadedBackend {
  readonly backend: string;
  readonly adapter?: GpuAdapterDescription;
}

/** Loads one kind of backend and makes it current; throws BackendUnavailableError when it cannot. */
export type BackendLoader = (options?: { hardwareOnly?: boolean }) => Promise<LoadedBackend>;

/** The first line of an error's message. */
export function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/** Makes the registered tfjs backend `name` current, or says why it cannot be. */
export async function activate(device: string, name: string): Promise<LoadedBackend> {
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw new BackendUnavailableError(device, `tfjs backend '${name}' failed to initialise: ${message(e)}`);
  }
  if (!ok) throw new BackendUnavailableError(device, `tfjs backend '${name}' failed to initialise`);
  await tf.ready();
  return { backend: name };
}

/** A WebGPU adapter as Dawn (Node) or a browser gives it. */
export interface GpuAdapterLike {
  readonly info?: {
    vendor: string;
    architecture: string;
    device: string;
    description: string;
    isFallbackAdapter?: boolean;
  };
  readonly isFallbackAdapter?: boolean;
  readonly features: ReadonlySet<string>;
}

const SPEED_FEATURES = ['shader-f16', 'subgroups', 'timestamp-query'];

/** Name, kind and speed-relevant features of an adapter, as its driver reports them. */
export function describeAdapter(adapter: GpuAdapterLike): GpuAdapterDescription {
  const info = adapter.info;
  // Browsers may leave the description empty (Chromium's SwiftShader: vendor 'google', architecture 'swiftshader').
  const name = info
    ? info.description || [info.vendor, info.architecture, info.device].filter(Boolean).join(' ')
    : 'unknown adapter';
  const software =
    adapter.isFallbackAdapter === true ||
    info?.isFallbackAdapter === true ||
    info?.architecture === 'software' ||
    /llvmpipe|lavapipe|swiftshader|software|warp/i.test(
      `${name} ${info?.architecture ?? ''} ${info?.device ?? ''}`,
    );
  return {
    name: name || 'unknown adapter',
    software,
    features: SPEED_FEATURES.filter((f) => adapter.features.has(f)),
  };
}
