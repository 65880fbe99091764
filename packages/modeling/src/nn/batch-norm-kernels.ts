/**
 * Training-mode batch normalisation's two activation-sized steps as kernels a backend may register. Composed,
 * they are four elementwise passes forward and six passes plus two reductions backward — on a GPU each a
 * dispatch and a trip through memory — so a GPU backend fuses each step into one or two programs. Backends
 * without them run the composed ops, which keep x̂ from the forward pass instead of recomputing it.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Kernel name: inputs `{x, mean, invStd, gamma, beta}` (NHWC x, [C] others); output y = (x − μ)·s·γ + β. */
export const BATCH_NORM_APPLY = 'SsdBatchNormApply';

/**
 * Kernel name: inputs `{dy, x, mean, invStd, gamma}`; outputs `[dx, dGamma, dBeta]` with x̂ = (x − μ)·s,
 * dβ = Σdy, dγ = Σdy·x̂, dx = γ·s/N·(N·dy − dβ − x̂·dγ) (sums over the N = batch·height·width positions).
 */
export const BATCH_NORM_GRAD = 'SsdBatchNormGrad';

/** The batch statistics a normalisation step uses: per-channel mean and 1/√(σ² + ε). */
export interface BatchStats {
  mean: tf.Tensor1D;
  invStd: tf.Tensor1D;
}

type Grads = [dx: tf.Tensor4D, dGamma: tf.Tensor1D, dBeta: tf.Tensor1D];

/**
 * The whole batch's dβ, dγ and positions N from this replica's dβ and dγ, for synchronised BatchNorm (see
 * batch-norm-sync); without it the replica's own are the batch's.
 */
export type AcrossReplicas = (
  dBeta: tf.Tensor1D,
  dGamma: tf.Tensor1D,
) => { dBeta: tf.Tensor1D; dGamma: tf.Tensor1D; count: number };

/** Whether the active backend registers the fused kernels. */
function fused(): boolean {
  const backend = tf.getBackend();
  return tf.getKernel(BATCH_NORM_APPLY, backend) != null && tf.getKernel(BATCH_NORM_GRAD, backend) != null;
}

function run<T>(kernel: string, inputs: Record<string, tf.Tensor>): T {
  return tf.engine().runKernel(kernel, inputs as unknown as tf.NamedTensorMap, {}) as unknown as T;
}

/**
 * y = γ·x̂ + β and what the backward pass needs saved (x̂ when composed; x, μ, s when fused, which recompute
 * x̂ on the fly instead of storing it). `fusable` false keeps the composed ops: the fused gradient kernel
 * cannot take sums across replicas.
 */
export function batchNormForward(
  x: tf.Tensor4D,
  { mean, invStd }: BatchStats,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  fusable = true,
): { y: tf.Tensor4D; saved: tf.Tensor[] } {
  if (fusable && fused()) {
    return { y: run(BATCH_NORM_APPLY, { x, mean, invStd, gamma, beta }), saved: [x, mean, invStd, gamma] };
  }
  const xHat = tf.mul(tf.sub(x, mean), invStd) as tf.Tensor4D;
  return { y: tf.add(tf.mul(xHat, gamma), beta), saved: [xHat, invStd, gamma] };
}

/**
 * dx, dγ, dβ from dy and what {@link batchNormForward} saved. With `acrossReplicas`, dx takes the whole batch's
 * sums and N while dγ, dβ stay this replica's part (the replicas' parameter gradients are summed later).
 */
export function batchNormBackward(
  dy: tf.Tensor4D,
  saved: tf.Tensor[],
  acrossReplicas?: AcrossReplicas,
): Grads {
  if (saved.length === 4) {
    if (acrossReplicas) throw new Error('batchNormBackward: the fused kernel cannot sum across replicas');
    const [x, mean, invStd, gamma] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    return run<Grads>(BATCH_NORM_GRAD, { dy, x, mean, invStd, gamma });
  }
  const [xHat, invStd, gamma] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
  const dBeta = tf.sum(dy, [0, 1, 2]) as tf.Tensor1D;
  const dGamma = tf.sum(tf.mul(dy, xHat), [0, 1, 2]) as tf.Tensor1D;
  const all = acrossReplicas?.(dBeta, dGamma) ?? { dBeta, dGamma, count: dy.size / dy.shape[3] };
  const factor = tf.mul(gamma, tf.div(invStd, all.count));
  const dx = tf.mul(
    tf.sub(tf.sub(tf.mul(dy, all.count), all.dBeta), tf.mul(xHat, all.dGamma)),
    factor,
  ) as tf.Tensor4D;
  return [dx, dGamma, dBeta];
}
