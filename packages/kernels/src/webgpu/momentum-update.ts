import type { MomentumUpdateAttrs } from '@ssd/solver';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { stridedProgram, stridedUniforms, type WebGpuBackendLike } from './program';

/**
 * SGD's momentum step in two dispatches instead of six: buffer' = m·buffer + (grad + wd·param), then
 * param' = param − lr·buffer' (the composed ops' order of operations).
 */
export const momentumUpdate: KernelFunc = ({ inputs, attrs, backend }) => {
  const { param, grad, buffer } = inputs as Record<'param' | 'grad' | 'buffer', TensorInfo>;
  const { lr, momentum, weightDecay } = attrs as unknown as MomentumUpdateAttrs;
  const gpu = backend as WebGpuBackendLike;
  const sizes = stridedUniforms(param.shape);
  const newBuffer = gpu.runWebGPUProgram(
    stridedProgram(
      param.shape,
      'ssdMomentumBuffer',
      ['param', 'grad', 'buffer'],
      'momentum : f32, weightDecay : f32,',
      'result[i] = uniforms.momentum * buffer[i] + (grad[i] + uniforms.weightDecay * param[i]);',
    ),
    [param, grad, buffer],
    'float32',
    [...sizes, { type: 'float32', data: [momentum] }, { type: 'float32', data: [weightDecay] }],
  );
  const newParam = gpu.runWebGPUProgram(
    stridedProgram(
      param.shape,
      'ssdMomentumParam',
      ['param', 'buffer'],
      'lr : f32,',
      'result[i] = param[i] - uniforms.lr * buffer[i];',
    ),
    [param, newBuffer],
    'float32',
    [...sizes, { type: 'float32', data: [lr] }],
  );
  return [newBuffer, newParam];
};
