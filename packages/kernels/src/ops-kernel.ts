import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** A kernel body written with tfjs ops over the kernel's named inputs. */
export type OpsKernelBody = (inputs: Record<string, tf.Tensor>, attrs: NamedAttrMap) => tf.Tensor;

/**
 * Turns an op-level computation into a kernel function. The ops run on the backend executing the kernel
 * (nested kernels are not taped), and reference counts are balanced so that only the returned data survives:
 * inputs are wrapped with an extra reference that their disposal gives back, and the result keeps one
 * reference that the engine's output tensor takes over.
 */
export function opsKernel(body: OpsKernelBody): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const kernelBackend = backend as KernelBackend;
    const engine = tf.engine();
    const result = tf.tidy(() => {
      const tensors: Record<string, tf.Tensor> = {};
      for (const [name, info] of Object.entries(inputs)) {
        if (info == null) continue;
        kernelBackend.incRef(info.dataId);
        tensors[name] = engine.makeTensorFromTensorInfo(info);
      }
      return body(tensors, attrs ?? {});
    });
    kernelBackend.incRef(result.dataId);
    const output: TensorInfo = { dataId: result.dataId, shape: result.shape, dtype: result.dtype };
    result.dispose();
    return output;
  };
}
