/**
 * Training batch norm's elementwise steps on wasm as loops over its heap (modeling's BATCH_NORM_APPLY,
 * BATCH_NORM_DZ and BATCH_NORM_DX): one pass each where the composed ops take up to ten, each allocating an
 * activation-sized temporary. Every value is rounded to float32 after each operation, in the composed ops'
 * order, so the outputs equal theirs bit for bit (wasm's elementwise kernels are IEEE float32 operations).
 */
import type { DataType, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** The wasm backend's own allocation of an uninitialised output, and views of its heap. */
interface WasmBackendLike extends KernelBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

const f32 = Math.fround;

/** Outputs of `x`'s shape, then views of `tensors` and of the outputs (views after every allocation). */
function views(backend: unknown, tensors: TensorInfo[], shape: number[], outputs: number) {
  const wasm = backend as WasmBackendLike;
  const out = Array.from({ length: outputs }, () => wasm.makeOutput(shape, 'float32'));
  return { out, arrays: [...tensors, ...out].map((t) => wasm.typedArrayFromHeap(t)) };
}

function checkFloat(kernel: string, inputs: Record<string, TensorInfo | undefined>): void {
  for (const [name, t] of Object.entries(inputs)) {
    if (t == null || t.dtype !== 'float32') throw new Error(`${kernel}: ${name} must be float32`);
  }
}

/** y = (x − μ)·s·γ + β. */
export const batchNormApply: KernelFunc = ({ inputs, backend }) => {
  checkFloat('SsdBatchNormApply', inputs);
  const { x, mean, invStd, gamma, beta } = inputs as Record<string, TensorInfo>;
  const { out, arrays } = views(backend, [x!, mean!, invStd!, gamma!, beta!], x!.shape, 1);
  const [xv, m, s, g, b, y] = arrays as [Float32Array, ...Float32Array[]];
  const c = m!.length;
  for (let i = 0; i < xv.length; i += c) {
    for (let k = 0; k < c; k++) y![i + k] = f32(f32(f32(xv[i + k]! - m![k]!) * s![k]!) * g![k]!) + b![k]!;
  }
  return out[0]!;
};

/** Relu's gradient mask at z, as tfjs's step(z) gives it. */
function reluMask(z: number): number {
  return Number.isNaN(z) ? Number.NaN : z > 0 ? 1 : 0;
}

/** Relu6's gradient mask at z, as @ssd/kernels' step(z) − step(z − 6) gives it. */
function relu6Mask(z: number): number {
  return Number.isNaN(z) ? Number.NaN : (z > 0 ? 1 : 0) - (z > 6 ? 1 : 0);
}

const MASKS: Readonly<Record<string, ((z: number) => number) | null>> = {
  linear: null,
  relu: reluMask,
  relu6: relu6Mask,
};

/** [dz, dz·x̂]: dz = dy·act′(γ·x̂ + β). */
export const batchNormDz: KernelFunc = ({ inputs, backend, attrs }) => {
  checkFloat('SsdBatchNormDz', inputs);
  const activation = String(attrs?.activation ?? 'linear');
  if (!(activation in MASKS)) throw new Error(`SsdBatchNormDz: not supported: activation '${activation}'`);
  const mask = MASKS[activation]!;
  const { dy, x, mean, invStd, gamma, beta } = inputs as Record<string, TensorInfo>;
  const { out, arrays } = views(backend, [dy!, x!, mean!, invStd!, gamma!, beta!], x!.shape, 2);
  const [d, xv, m, s, g, b, dz, t] = arrays as [Float32Array, ...Float32Array[]];
  const c = m!.length;
  for (let i = 0; i < xv!.length; i += c) {
    for (let k = 0; k < c; k++) {
      const xHat = f32(f32(xv![i + k]! - m![k]!) * s![k]!);
      const grad = mask ? f32(d[i + k]! * mask(f32(f32(xHat * g![k]!) + b![k]!))) : d[i + k]!;
      dz![i + k] = grad;
      t![i + k] = grad * xHat;
    }
  }
  return out;
};

/** dx = ((dz·N − dβ) − x̂·dγ)·(γ·(s/N)). */
export const batchNormDx: KernelFunc = ({ inputs, backend, attrs }) => {
  checkFloat('SsdBatchNormDx', inputs);
  const count = f32(Number(attrs?.count));
  if (!(count > 0)) throw new Error(`SsdBatchNormDx: count must be positive, got ${attrs?.count}`);
  const { dz, x, mean, invStd, gamma, dBeta, dGamma } = inputs as Record<string, TensorInfo>;
  const tensors = [dz!, x!, mean!, invStd!, gamma!, dBeta!, dGamma!];
  const { out, arrays } = views(backend, tensors, x!.shape, 1);
  const [d, xv, m, s, g, db, dg, dx] = arrays as [Float32Array, ...Float32Array[]];
  const c = m!.length;
  const factor = Float32Array.from(g!, (gk, k) => gk * f32(s![k]! / count));
  for (let i = 0; i < xv!.length; i += c) {
    for (let k = 0; k < c; k++) {
      const xHat = f32(f32(xv![i + k]! - m![k]!) * s![k]!);
      dx![i + k] = f32(f32(f32(d[i + k]! * count) - db![k]!) - f32(xHat * dg![k]!)) * factor[k]!;
    }
  }
  return out[0]!;
};
