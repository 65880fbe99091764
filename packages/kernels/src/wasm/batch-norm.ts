/**
 * Training batch norm's elementwise steps on wasm (modeling's BATCH_NORM_APPLY, BATCH_NORM_DZ and BATCH_NORM_DX):
 * one pass each over wasm's heap where the composed ops take up to ten, each allocating an activation-sized
 * temporary. They run as wasm SIMD (simd/batch-norm.wat) on the backend's own memory, or, where that module cannot
 * share it (the threaded build), as the loops below. Either way every value is rounded to float32 after each
 * operation, in the composed ops' order, so the outputs equal theirs bit for bit (wasm's elementwise kernels are
 * IEEE float32 operations).
 */
import type { DataType, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { batchNormSimd } from './simd/batch-norm-simd';

/** The wasm backend's own allocation of an uninitialised output, and views of its heap. */
interface WasmBackendLike extends KernelBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

const f32 = Math.fround;

/** Outputs of `shape`, then views of `tensors` and of the outputs (views after every allocation). */
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

/** Byte offsets of the views in wasm's memory, for the SIMD module. */
const at = (arrays: Float32Array[]) => arrays.map((a) => a.byteOffset);

/** The activations batch-norm.wat takes, by its numbering. */
const ACTIVATIONS: Readonly<Record<string, number>> = { linear: 0, relu: 1, relu6: 2 };

/** step(v) as tfjs computes it: 1 where v > 0, NaN where v is NaN, 0 elsewhere. */
function step(v: number): number {
  return Number.isNaN(v) ? Number.NaN : v > 0 ? 1 : 0;
}

/** The activation's gradient mask at z, as its registered gradient computes it (relu: step(z); relu6: step(z) − step(z − 6)). */
function mask(z: number, activation: number): number {
  return activation === 1 ? step(z) : step(z) - step(f32(z - 6));
}

/** y = (x − μ)·s·γ + β. */
export const batchNormApply: KernelFunc = ({ inputs, backend }) => {
  checkFloat('SsdBatchNormApply', inputs);
  const { x, mean, invStd, gamma, beta } = inputs as Record<string, TensorInfo>;
  const { out, arrays } = views(backend, [x!, mean!, invStd!, gamma!, beta!], x!.shape, 1);
  const [xv, m, s, g, b, y] = arrays as [Float32Array, ...Float32Array[]];
  const c = m!.length;
  const simd = batchNormSimd(backend);
  if (simd) {
    const [px, pm, ps, pg, pb, py] = at(arrays);
    simd.apply(px!, pm!, ps!, pg!, pb!, py!, xv.length / c, c);
  } else {
    applyLoop(xv, m!, s!, g!, b!, y!);
  }
  return out[0]!;
};

/** SsdBatchNormApply's loop in JavaScript, where the SIMD module cannot run. */
export function applyLoop(
  xv: Float32Array,
  m: Float32Array,
  s: Float32Array,
  g: Float32Array,
  b: Float32Array,
  y: Float32Array,
): void {
  const c = m.length;
  for (let i = 0; i < xv.length; i += c) {
    for (let k = 0; k < c; k++) y[i + k] = f32(f32(f32(xv[i + k]! - m[k]!) * s[k]!) * g[k]!) + b[k]!;
  }
}

/** [dz, dz·x̂]: dz = dy·act′(γ·x̂ + β). */
export const batchNormDz: KernelFunc = ({ inputs, backend, attrs }) => {
  checkFloat('SsdBatchNormDz', inputs);
  const name = String(attrs?.activation ?? 'linear');
  const activation = ACTIVATIONS[name];
  if (activation === undefined) throw new Error(`SsdBatchNormDz: not supported: activation '${name}'`);
  const { dy, x, mean, invStd, gamma, beta } = inputs as Record<string, TensorInfo>;
  const { out, arrays } = views(backend, [dy!, x!, mean!, invStd!, gamma!, beta!], x!.shape, 2);
  const [d, xv, m, s, g, b, dz, t] = arrays as [Float32Array, ...Float32Array[]];
  const c = m!.length;
  const simd = batchNormSimd(backend);
  if (simd) {
    const [pd, px, pm, ps, pg, pb, pdz, pt] = at(arrays);
    simd.dz(pd!, px!, pm!, ps!, pg!, pb!, pdz!, pt!, xv!.length / c, c, activation);
  } else {
    dzLoop(d, xv!, m!, s!, g!, b!, dz!, t!, activation);
  }
  return out;
};

/** SsdBatchNormDz's loop in JavaScript (activation numbered as in batch-norm.wat). */
export function dzLoop(
  d: Float32Array,
  xv: Float32Array,
  m: Float32Array,
  s: Float32Array,
  g: Float32Array,
  b: Float32Array,
  dz: Float32Array,
  t: Float32Array,
  activation: number,
): void {
  const c = m.length;
  for (let i = 0; i < xv.length; i += c) {
    for (let k = 0; k < c; k++) {
      const xHat = f32(f32(xv[i + k]! - m[k]!) * s[k]!);
      const grad =
        activation === 0 ? d[i + k]! : f32(d[i + k]! * mask(f32(f32(xHat * g[k]!) + b[k]!), activation));
      dz[i + k] = grad;
      t[i + k] = grad * xHat;
    }
  }
}

/** dx = ((dz·N − dβ) − x̂·dγ)·(γ·(s/N)). */
export const batchNormDx: KernelFunc = ({ inputs, backend, attrs }) => {
  checkFloat('SsdBatchNormDx', inputs);
  const count = f32(Number(attrs?.count));
  if (!(count > 0)) throw new Error(`SsdBatchNormDx: count must be positive, got ${attrs?.count}`);
  const { dz, x, mean, invStd, gamma, dBeta, dGamma } = inputs as Record<string, TensorInfo>;
  const wasm = backend as WasmBackendLike;
  const factorInfo = wasm.makeOutput(mean!.shape, 'float32');
  try {
    const tensors = [dz!, x!, mean!, invStd!, gamma!, dBeta!, dGamma!, factorInfo];
    const { out, arrays } = views(backend, tensors, x!.shape, 1);
    const [d, xv, m, s, g, db, dg, factor, dx] = arrays as [Float32Array, ...Float32Array[]];
    const c = m!.length;
    for (let k = 0; k < c; k++) factor![k] = g![k]! * f32(s![k]! / count);
    const simd = batchNormSimd(backend);
    if (simd) {
      const [pd, px, pm, ps, , pdb, pdg, pf, pdx] = at(arrays);
      simd.dx(pd!, px!, pm!, ps!, pdb!, pdg!, pf!, pdx!, xv!.length / c, c, count);
    } else {
      dxLoop(d, xv!, m!, s!, db!, dg!, factor!, dx!, count);
    }
    return out[0]!;
  } finally {
    wasm.disposeData(factorInfo.dataId, true);
  }
};

/** SsdBatchNormDx's loop in JavaScript, `factor` being γ·(s/N). */
export function dxLoop(
  d: Float32Array,
  xv: Float32Array,
  m: Float32Array,
  s: Float32Array,
  db: Float32Array,
  dg: Float32Array,
  factor: Float32Array,
  dx: Float32Array,
  count: number,
): void {
  const c = m.length;
  for (let i = 0; i < xv.length; i += c) {
    for (let k = 0; k < c; k++) {
      const xHat = f32(f32(xv[i + k]! - m[k]!) * s[k]!);
      dx[i + k] = f32(f32(f32(d[i + k]! * count) - db[k]!) - f32(xHat * dg[k]!)) * factor[k]!;
    }
  }
}
