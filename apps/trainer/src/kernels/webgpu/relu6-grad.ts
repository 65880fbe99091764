import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { groupsFor, MAX_GROUPS_PER_DIMENSION, type WebGpuBackendLike, type WgslProgram } from './program';

const WORKGROUP = 256;

/**
 * Relu6's gradient in one pass (the composed mask takes five): dy·mask, the mask 1 on (0, 6], 0 elsewhere and
 * NaN for a NaN input, as step(x) − step(x − 6) gives; threads stride over tensors of any size.
 */
export const relu6Grad: KernelFunc = ({ inputs, backend }) => {
  const { dy, x } = inputs as Record<'dy' | 'x', TensorInfo>;
  const count = tf.util.sizeFromShape(x.shape);
  const groups = Math.min(groupsFor(count, WORKGROUP), MAX_GROUPS_PER_DIMENSION);
  const program: WgslProgram = {
    outputShape: x.shape,
    shaderKey: 'ssdRelu6Grad',
    variableNames: ['dy', 'x'],
    uniforms: 'count : i32, stride : i32,',
    workgroupSize: [WORKGROUP, 1, 1],
    dispatchLayout: { x: x.shape.map((_, i) => i) },
    dispatch: [groups, 1, 1],
    getUserCode: () => `
      fn main(index : i32) {
        for (var i = index; i < uniforms.count; i += uniforms.stride) {
          let v = x[i];
          var mask = select(0.0, 1.0, v > 0.0 && v <= 6.0);
          // NaN compares false both ways: keep it, as the composed mask does (bits tested, not v != v).
          if ((bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u) { mask = v; }
          result[i] = dy[i] * mask;
        }
      }`,
  };
  return (backend as WebGpuBackendLike).runWebGPUProgram(program, [dy, x], 'float32', [
    { type: 'int32', data: [count] },
    { type: 'int32', data: [groups * WORKGROUP] },
  ]);
};
