import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import {
  groupsFor,
  planSplits,
  stridedProgram,
  stridedUniforms,
  type UniformData,
  type WebGpuBackendLike,
  type WgslProgram,
} from './program';
import { sumSplits } from './sum-splits';

const WORKGROUP = 256;
const COLUMN_WORKGROUP = 64;
/** As the leading-axes column sum: threads to aim for in the first pass, and the fewest rows each adds. */
const TARGET_THREADS = 65536;
const MIN_ROWS_PER_SPLIT = 32;

type Inputs = Record<string, TensorInfo>;

/** An elementwise NHWC program over x with x̂ = (x − μ)·s and its channel `c` at hand for `body`. */
function normalized(shape: number[], key: string, inputs: string[], body: string): WgslProgram {
  return stridedProgram(
    shape,
    key,
    inputs,
    'channels : i32, positions : f32,',
    `let c = i % uniforms.channels;
          let xHat = (x[i] - mean[c]) * invStd[c];
          ${body}`,
  );
}

function elementwiseUniforms(x: TensorInfo): UniformData {
  const channels = x.shape[x.shape.length - 1]!;
  return [
    ...stridedUniforms(x.shape),
    { type: 'int32', data: [channels] },
    { type: 'float32', data: [tf.util.sizeFromShape(x.shape) / channels] },
  ];
}

/** y = x̂·γ + β in one pass (the composed ops take four). */
export const batchNormApply: KernelFunc = ({ inputs, backend }) => {
  const { x, mean, invStd, gamma, beta } = inputs as Inputs;
  const program = normalized(
    x!.shape,
    'ssdBatchNormApply',
    ['x', 'mean', 'invStd', 'gamma', 'beta'],
    'result[i] = xHat * gamma[c] + beta[c];',
  );
  return (backend as WebGpuBackendLike).runWebGPUProgram(
    program,
    [x!, mean!, invStd!, gamma!, beta!],
    'float32',
    elementwiseUniforms(x!),
  );
};

/**
 * Σdy and Σdy·x̂ per channel over slices of the rows, side by side in one [splits, 2·C] result: neighbouring
 * threads take neighbouring channels, so reads are coalesced, and x̂ is recomputed rather than stored.
 */
function gradSumsProgram(channels: number, splits: number): WgslProgram {
  return {
    outputShape: [splits, 2 * channels],
    shaderKey: 'ssdBatchNormGradSums',
    variableNames: ['dy', 'x', 'mean', 'invStd'],
    uniforms: 'rows : i32, channels : i32, perSplit : i32,',
    workgroupSize: [COLUMN_WORKGROUP, 1, 1],
    dispatchLayout: { x: [1], y: [0], z: [] },
    dispatch: [groupsFor(channels, COLUMN_WORKGROUP), splits, 1],
    getUserCode: () => `
      fn main() {
        let c = i32(globalId.x);
        if (c >= uniforms.channels) { return; }
        let start = i32(workgroupId.y) * uniforms.perSplit;
        let end = min(start + uniforms.perSplit, uniforms.rows);
        let m = mean[c];
        let s = invStd[c];
        var sumDy = 0.0;
        var sumDyXHat = 0.0;
        for (var row = start; row < end; row++) {
          let i = row * uniforms.channels + c;
          sumDy += dy[i];
          sumDyXHat += dy[i] * ((x[i] - m) * s);
        }
        let out = i32(workgroupId.y) * 2 * uniforms.channels;
        result[out + c] = sumDy;
        result[out + uniforms.channels + c] = sumDyXHat;
      }`,
  };
}

/** One half of a [2·C] tensor (dβ or dγ) as its own [C] tensor. */
function half(gpu: WebGpuBackendLike, sums: TensorInfo, channels: number, second: boolean): TensorInfo {
  const program: WgslProgram = {
    outputShape: [channels],
    shaderKey: 'ssdBatchNormHalf',
    variableNames: ['sums'],
    uniforms: 'channels : i32, offset : i32,',
    workgroupSize: [WORKGROUP, 1, 1],
    dispatchLayout: { x: [0] },
    dispatch: [groupsFor(channels, WORKGROUP), 1, 1],
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.channels) { result[index] = sums[uniforms.offset + index]; }
      }`,
  };
  return gpu.runWebGPUProgram(program, [sums], 'float32', [
    { type: 'int32', data: [channels] },
    { type: 'int32', data: [second ? channels : 0] },
  ]);
}

/**
 * The gradients of training-mode batch norm in four programs (the composed ops take eight passes and two
 * reductions): the two channel sums in one split pass and its second pass, then dx in one elementwise pass.
 */
export const batchNormGrad: KernelFunc = ({ inputs, backend }) => {
  const { dy, x, mean, invStd, gamma } = inputs as Inputs;
  const gpu = backend as WebGpuBackendLike;
  const channels = x!.shape[x!.shape.length - 1]!;
  const rows = tf.util.sizeFromShape(x!.shape) / channels;
  const { perSplit, count: splits } = planSplits(
    rows,
    Math.ceil(TARGET_THREADS / channels),
    MIN_ROWS_PER_SPLIT,
  );
  const partials = gpu.runWebGPUProgram(
    gradSumsProgram(channels, splits),
    [dy!, x!, mean!, invStd!],
    'float32',
    [
      { type: 'int32', data: [rows] },
      { type: 'int32', data: [channels] },
      { type: 'int32', data: [perSplit] },
    ],
  );
  const sums = sumSplits(gpu, partials, [2 * channels]);
  gpu.disposeData(partials.dataId);
  // The composed formula's order: ((N·dy − dβ) − x̂·dγ)·(γ·(s/N)).
  const program = normalized(
    x!.shape,
    'ssdBatchNormGradInput',
    ['dy', 'x', 'mean', 'invStd', 'gamma', 'sums'],
    `let factor = gamma[c] * (invStd[c] / uniforms.positions);
          result[i] = ((dy[i] * uniforms.positions - sums[c]) - xHat * sums[uniforms.channels + c]) * factor;`,
  );
  const dx = gpu.runWebGPUProgram(
    program,
    [dy!, x!, mean!, invStd!, gamma!, sums],
    'float32',
    elementwiseUniforms(x!),
  );
  const dBeta = half(gpu, sums, channels, false);
  const dGamma = half(gpu, sums, channels, true);
  gpu.disposeData(sums.dataId);
  return [dx, dGamma, dBeta];
};
