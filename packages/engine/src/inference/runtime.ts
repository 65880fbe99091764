/** What runs a detector, as servers and logs report it. */
import type { Device } from '@ssd/config';
import type { GpuAdapterDescription } from '../backend/loaders';

/** The runtime a detector runs on: tfjs and its backend, or ONNX Runtime and its execution provider. */
export interface DetectorRuntime {
  readonly runtime: 'tfjs' | 'onnxruntime';
  /** The tfjs backend ('wasm', 'webgpu', 'tensorflow', 'cpu') or ONNX Runtime's execution provider ('cpu', 'webgpu'). */
  readonly backend: string;
  /** What MODEL.DEVICE resolved to ('auto' becomes the device chosen). */
  readonly device: Exclude<Device, 'auto'>;
  /** The GPU adapter, for WebGPU. */
  readonly adapter?: GpuAdapterDescription;
}

/** For logs: "ONNX Runtime's webgpu execution provider on software adapter 'llvmpipe …'", "tfjs backend 'wasm'". */
export function describeRuntime(r: DetectorRuntime): string {
  const what =
    r.runtime === 'tfjs' ? `tfjs backend '${r.backend}'` : `ONNX Runtime's ${r.backend} execution provider`;
  const adapter = r.adapter
    ? ` on ${r.adapter.software ? 'software adapter' : 'GPU'} '${r.adapter.name}'`
    : '';
  return `${what}${adapter}`;
}
