import type { CastAttrs, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** x itself, with one more reference to its data (tensors are immutable, so sharing is safe). */
function share(x: TensorInfo, backend: KernelBackend): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * Identity that shares its input's data, as the pure-JS backend's does, instead of wasm's full copy: tfjs
 * clones every tensor a custom gradient saves (training batch-norm saves an activation-sized one per layer).
 */
export function sharedIdentity(_own: KernelFunc): KernelFunc {
  return ({ inputs, backend }) => share(inputs.x!, backend as KernelBackend);
}

/**
 * Cast that shares the data of a cast to the same dtype (tf.moments casts its input to float32), and
 * passes every real conversion to `own` (wasm's kernel).
 */
export function sharedSameTypeCast(own: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs.x!;
    return x.dtype === (args.attrs as unknown as CastAttrs).dtype
      ? share(x, args.backend as KernelBackend)
      : own(args);
  };
}
