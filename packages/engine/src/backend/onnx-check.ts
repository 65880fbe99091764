/**
 * What ONNX Runtime offers `.onnx` models here, for `ssd backend`: each execution provider tried with a small
 * product, and the one MODEL.DEVICE would run them on.
 */
import type { Device } from '@ssd/config';
import { type OnnxPlacement, placeOnnxModel } from '../inference/onnx-placement';
import { findWebGpuAdapter, type GpuAdapterDescription } from './loaders';

/** One provider's check: its product's checksum and time, or why it cannot run. */
export type ProviderStatus =
  | {
      readonly provider: 'cpu' | 'webgpu';
      readonly ok: true;
      readonly checksum: number;
      readonly ms: number;
      /** WebGPU's adapter as Dawn (the `webgpu` package, when installed) sees it. */
      readonly adapter?: GpuAdapterDescription;
    }
  | { readonly provider: 'cpu' | 'webgpu'; readonly ok: false; readonly reason: string };

/** What `runOnnxRuntimeCheck` found: nothing but `unavailable` when @ssd/onnx or onnxruntime-node is missing. */
export interface OnnxRuntimeCheck {
  readonly unavailable?: string;
  /** onnxruntime-node's version. */
  readonly version?: string;
  readonly providers: readonly ProviderStatus[];
  /** Where MODEL.DEVICE puts an `.onnx` model, or why it cannot. */
  readonly placement?: OnnxPlacement | { readonly error: string };
  /** The product's expected checksum. */
  readonly expectedChecksum?: number;
}

/** Tries ONNX Runtime's CPU and WebGPU providers and says where MODEL.DEVICE `device` runs `.onnx` models. */
export async function runOnnxRuntimeCheck(device: Device): Promise<OnnxRuntimeCheck> {
  let onnx: typeof import('@ssd/onnx');
  let version: string;
  try {
    onnx = await import('@ssd/onnx');
    version = (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch (e) {
    return {
      unavailable: `install @ssd/onnx and onnxruntime-node (${(e as Error).message.split('\n')[0]})`,
      providers: [],
    };
  }
  const providers: ProviderStatus[] = [];
  for (const provider of ['cpu', 'webgpu'] as const) {
    try {
      const { checksum, ms } = await onnx.checkProvider(provider);
      const adapter = provider === 'webgpu' ? await findWebGpuAdapter().catch(() => undefined) : undefined;
      providers.push({ provider, ok: true, checksum, ms, adapter });
    } catch (e) {
      providers.push({ provider, ok: false, reason: (e as Error).message.split('\n')[0]! });
    }
  }
  let placement: OnnxRuntimeCheck['placement'];
  try {
    placement = await placeOnnxModel(device, onnx);
  } catch (e) {
    placement = { error: (e as Error).message };
  }
  return { version, providers, placement, expectedChecksum: onnx.PROVIDER_CHECKSUM };
}
