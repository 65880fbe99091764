import type { TensorInfo } from '@tensorflow/tfjs-core';
import { groupsFor, type WebGpuBackendLike, type WgslProgram } from './program';

const WORKGROUP = 256;

/**
 * Adds the `splits` partial results of a split reduction, `partials` being `[splits, size]`, into one
 * tensor of `outputShape` (`size` elements), times `scale`: the second pass of the split-K kernels.
 */
export function sumSplits(
  backend: WebGpuBackendLike,
  partials: TensorInfo,
  outputShape: number[],
  scale = 1,
): TensorInfo {
  const [splits, size] = partials.shape as [number, number];
  const program: WgslProgram = {
    outputShape,
    shaderKey: 'ssdSumSplits',
    variableNames: ['partials'],
    uniforms: 'splits : i32, count : i32, scale : f32,',
    workgroupSize: [WORKGROUP, 1, 1],
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [groupsFor(size, WORKGROUP), 1, 1],
    getUserCode: () => `
      fn main(index : i32) {
        if (index >= uniforms.count) { return; }
        var total = 0.0;
        for (var s = 0; s < uniforms.splits; s++) {
          total += partials[s * uniforms.count + index];
        }
        result[index] = total * uniforms.scale;
      }`,
  };
  return backend.runWebGPUProgram(program, [partials], 'float32', [
    { type: 'int32', data: [splits] },
    { type: 'int32', data: [size] },
    { type: 'float32', data: [scale] },
  ]);
}
