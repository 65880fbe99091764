import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { stridedProgram, stridedUniforms, type WebGpuBackendLike } from './program';

/**
 * Relu6's gradient in one pass (the composed mask takes five): dy·mask, the mask 1 on (0, 6], 0 elsewhere and
 * NaN for a NaN input, as step(x) − step(x − 6) gives; threads stride over tensors of any size.
 */
export const relu6Grad: KernelFunc = ({ inputs, backend }) => {
  const { dy, x } = inputs as Record<'dy' | 'x', TensorInfo>;
  const program = stridedProgram(
    x.shape,
    'ssdRelu6Grad',
    ['dy', 'x'],
    '',
    `let v = x[i];
          var mask = select(0.0, 1.0, v > 0.0 && v <= 6.0);
          // NaN compares false both ways: keep it, as the composed mask does (bits tested, not v != v).
          if ((bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u) { mask = v; }
          result[i] = dy[i] * mask;`,
  );
  return (backend as WebGpuBackendLike).runWebGPUProgram(
    program,
    [dy, x],
    'float32',
    stridedUniforms(x.shape),
  );
};
