import type { MomentumUpdateAttrs } from '@ssd/solver';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { groupsFor, MAX_GROUPS_PER_DIMENSION, type WebGpuBackendLike, type WgslProgram } from './program';

const WORKGROUP = 256;

/**
 * An elementwise program over `count` values: threads stride over the tensor, so that one dispatch covers
 * parameters larger than a dispatch dimension's 65535 workgroups (VGG's fc6 has 4.7 M weights).
 */
function elementwise(
  shape: number[],
  key: string,
  inputs: string[],
  uniforms: string,
  expr: string,
): WgslProgram {
  const groups = Math.min(groupsFor(tf.util.sizeFromShape(shape), WORKGROUP), MAX_GROUPS_PER_DIMENSION);
  return {
    outputShape: shape,
    shaderKey: key,
    variableNames: inputs,
    uniforms: `count : i32, stride : i32, ${uniforms}`,
    workgroupSize: [WORKGROUP, 1, 1],
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [groups, 1, 1],
    getUserCode: () => `
      fn main(index : i32) {
        for (var i = index; i < uniforms.count; i += uniforms.stride) {
          result[i] = ${expr};
        }
      }`,
  };
}

/**
 * SGD's momentum step in two dispatches instead of six: buffer' = m·buffer + (grad + wd·param), then
 * param' = param − lr·buffer' (the composed ops' order of operations).
 */
export const momentumUpdate: KernelFunc = ({ inputs, attrs, backend }) => {
  const { param, grad, buffer } = inputs as Record<'param' | 'grad' | 'buffer', TensorInfo>;
  const { lr, momentum, weightDecay } = attrs as unknown as MomentumUpdateAttrs;
  const gpu = backend as WebGpuBackendLike;
  const count = tf.util.sizeFromShape(param.shape);
  const stride = Math.min(groupsFor(count, WORKGROUP), MAX_GROUPS_PER_DIMENSION) * WORKGROUP;
  const sizes = [
    { type: 'int32' as const, data: [count] },
    { type: 'int32' as const, data: [stride] },
  ];
  const newBuffer = gpu.runWebGPUProgram(
    elementwise(
      param.shape,
      'ssdMomentumBuffer',
      ['param', 'grad', 'buffer'],
      'momentum : f32, weightDecay : f32,',
      'uniforms.momentum * buffer[i] + (grad[i] + uniforms.weightDecay * param[i])',
    ),
    [param, grad, buffer],
    'float32',
    [...sizes, { type: 'float32', data: [momentum] }, { type: 'float32', data: [weightDecay] }],
  );
  const newParam = gpu.runWebGPUProgram(
    elementwise(
      param.shape,
      'ssdMomentumParam',
      ['param', 'buffer'],
      'lr : f32,',
      'param[i] - uniforms.lr * buffer[i]',
    ),
    [param, newBuffer],
    'float32',
    [...sizes, { type: 'float32', data: [lr] }],
  );
  return [newBuffer, newParam];
};
