import type { KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { leadingAxisCount } from '../leading-axes';
import { groupsFor, planSplits, type WebGpuBackendLike, type WgslProgram } from './program';
import { sumSplits } from './sum-splits';

const WORKGROUP = 64;
/** Threads to aim for in the first pass, and the fewest rows each adds. */
const TARGET_THREADS = 65536;
const MIN_ROWS_PER_SPLIT = 32;

/**
 * Column sums of x seen as [rows, columns] (rows = the leading axes reduced), as partial sums over `splits`
 * slices of the rows: neighbouring threads add neighbouring columns, so every read is coalesced.
 */
function program(columns: number, splits: number): WgslProgram {
  return {
    outputShape: [splits, columns],
    shaderKey: 'ssdColumnSumSplits',
    variableNames: ['x'],
    uniforms: 'rows : i32, columns : i32, perSplit : i32,',
    workgroupSize: [WORKGROUP, 1, 1],
    dispatchLayout: { x: [1], y: [0], z: [] },
    dispatch: [groupsFor(columns, WORKGROUP), splits, 1],
    getUserCode: () => `
      fn main() {
        let column = i32(globalId.x);
        if (column >= uniforms.columns) { return; }
        let start = i32(workgroupId.y) * uniforms.perSplit;
        let end = min(start + uniforms.perSplit, uniforms.rows);
        var total = 0.0;
        for (var row = start; row < end; row++) {
          total += x[row * uniforms.columns + column];
        }
        result[i32(workgroupId.y) * uniforms.columns + column] = total;
      }`,
  };
}

/**
 * A Sum or Mean kernel for webgpu that takes float32 reductions over leading axes (batch-norm statistics and
 * their gradients, bias gradients: every activation of a training step) as a two-pass column sum, and passes
 * every other reduction to `fallback` (webgpu's own kernel, which first transposes the reduced axes innermost:
 * a copy of the whole activation).
 */
function overLeadingAxes(fallback: KernelFunc, mean: boolean): KernelFunc {
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    const count = leadingAxisCount(x, args.attrs ?? {});
    if (count === 0) return fallback(args);
    const gpu = args.backend as WebGpuBackendLike;
    const rows = tf.util.sizeFromShape(x.shape.slice(0, count));
    const rest = x.shape.slice(count);
    const columns = tf.util.sizeFromShape(rest);
    const { perSplit, count: splits } = planSplits(
      rows,
      Math.ceil(TARGET_THREADS / columns),
      MIN_ROWS_PER_SPLIT,
    );
    const partials = gpu.runWebGPUProgram(program(columns, splits), [x], 'float32', [
      { type: 'int32', data: [rows] },
      { type: 'int32', data: [columns] },
      { type: 'int32', data: [perSplit] },
    ]);
    const keepDims = Boolean((args.attrs as unknown as SumAttrs).keepDims);
    const shape = keepDims ? [...new Array<number>(count).fill(1), ...rest] : rest;
    const out = sumSplits(gpu, partials, shape, mean ? 1 / rows : 1);
    gpu.disposeData(partials.dataId);
    return out;
  };
}

/** webgpu's Sum, with float32 reductions over leading axes as a column sum. */
export function webGpuSumOverLeadingAxes(fallback: KernelFunc): KernelFunc {
  return overLeadingAxes(fallback, false);
}

/** webgpu's Mean, with float32 reductions over leading axes as a column mean. */
export function webGpuMeanOverLeadingAxes(fallback: KernelFunc): KernelFunc {
  return overLeadingAxes(fallback, true);
}
