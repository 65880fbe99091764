/**
 * Training-mode batch normalisation's activation-sized steps, as kernels a backend may register. Composed, they
 * are four elementwise passes forward and, backward, up to ten passes (with the activation's gradient) each
 * allocating an activation-sized temporary. A GPU backend fuses the forward step and the whole gradient into a
 * program each; a CPU backend (wasm) registers the forward step and the gradient's two elementwise halves, whose
 * outputs round exactly as the composed ops' do, so that the gradient is the composed one bit for bit while the
 * per-channel sums stay the backend's Sum. Either way the forward pass keeps only x and the per-channel
 * statistics, and x̂ is recomputed from them in the backward pass.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activationGradient, applyActivation, type FusableActivation } from './activation';

/** Kernel name: inputs `{x, mean, invStd, gamma, beta}` (NHWC x, [C] others); output y = (x − μ)·s·γ + β. */
export const BATCH_NORM_APPLY = 'SsdBatchNormApply';

/**
 * Kernel name: inputs `{dy, x, mean, invStd, gamma}`; outputs `[dx, dGamma, dBeta]` with x̂ = (x − μ)·s,
 * dβ = Σdy, dγ = Σdy·x̂, dx = γ·s/N·(N·dy − dβ − x̂·dγ) (sums over the N = batch·height·width positions).
 */
export const BATCH_NORM_GRAD = 'SsdBatchNormGrad';

/**
 * Kernel name: inputs `{dy, x, mean, invStd, gamma, beta}`, attribute `activation` ('linear', 'relu',
 * 'relu6'); outputs `[dz, dzXHat]` with x̂ = (x − μ)·s, z = x̂·γ + β, dz = dy·act′(z) (the registered
 * gradient's mask; dy itself for 'linear') and dzXHat = dz·x̂, each rounded to float32 after every operation
 * in that order, as the composed ops round them.
 */
export const BATCH_NORM_DZ = 'SsdBatchNormDz';

/**
 * Kernel name: inputs `{dz, x, mean, invStd, gamma, dBeta, dGamma}` ([C] sums over the whole batch), attribute
 * `count` (N); output dx = ((dz·N − dβ) − x̂·dγ)·(γ·(s/N)), rounded after every operation in that order.
 */
export const BATCH_NORM_DX = 'SsdBatchNormDx';

/** The batch statistics a normalisation step uses: per-channel mean and 1/√(σ² + ε). */
export interface BatchStats {
  mean: tf.Tensor1D;
  invStd: tf.Tensor1D;
}

/** What the backward pass of a normalisation (and activation) step needs: x, μ, s, γ, β. */
export type BatchNormSaved = [
  x: tf.Tensor4D,
  mean: tf.Tensor1D,
  invStd: tf.Tensor1D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
];

type Grads = [dx: tf.Tensor4D, dGamma: tf.Tensor1D, dBeta: tf.Tensor1D];

/**
 * The whole batch's dβ, dγ and positions N from this replica's dβ and dγ, for synchronised BatchNorm (see
 * batch-norm-sync); without it the replica's own are the batch's.
 */
export type AcrossReplicas = (
  dBeta: tf.Tensor1D,
  dGamma: tf.Tensor1D,
) => { dBeta: tf.Tensor1D; dGamma: tf.Tensor1D; count: number };

/** Whether the active backend registers all of `kernels`. */
function registered(...kernels: string[]): boolean {
  const backend = tf.getBackend();
  return kernels.every((k) => tf.getKernel(k, backend) != null);
}

function run<T>(kernel: string, inputs: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap = {}): T {
  return tf.engine().runKernel(kernel, inputs as unknown as tf.NamedTensorMap, attrs) as unknown as T;
}

function normalized(x: tf.Tensor4D, { mean, invStd }: BatchStats): tf.Tensor4D {
  return tf.mul(tf.sub(x, mean), invStd);
}

/** z = γ·x̂ + β, by the backend's kernel where it has one. */
function normalize(x: tf.Tensor4D, stats: BatchStats, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor4D {
  if (registered(BATCH_NORM_APPLY)) return run(BATCH_NORM_APPLY, { x, ...stats, gamma, beta });
  return tf.add(tf.mul(normalized(x, stats), gamma), beta);
}

/** y = act(γ·x̂ + β) and what {@link batchNormBackward} needs saved (x and the per-channel tensors). */
export function batchNormForward(
  x: tf.Tensor4D,
  stats: BatchStats,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  activation: FusableActivation | 'linear',
): { y: tf.Tensor4D; saved: BatchNormSaved } {
  const z = normalize(x, stats, gamma, beta);
  return {
    y: activation === 'linear' ? z : applyActivation(activation, z),
    saved: [x, stats.mean, stats.invStd, gamma, beta],
  };
}

/**
 * dx, dγ, dβ from dy and what {@link batchNormForward} saved, x̂ (and the activation's input) recomputed. With
 * `acrossReplicas`, dx takes the whole batch's sums and N while dγ, dβ stay this replica's part (the replicas'
 * parameter gradients are summed later).
 */
export function batchNormBackward(
  dy: tf.Tensor4D,
  saved: BatchNormSaved,
  activation: FusableActivation | 'linear',
  acrossReplicas?: AcrossReplicas,
): Grads {
  const [x, mean, invStd, gamma, beta] = saved;
  const stats = { mean, invStd };
  if (!acrossReplicas && registered(BATCH_NORM_APPLY, BATCH_NORM_GRAD)) {
    const dz =
      activation === 'linear' ? dy : activationGradient(activation, dy, normalize(x, stats, gamma, beta));
    return run<Grads>(BATCH_NORM_GRAD, { dy: dz, x, mean, invStd, gamma });
  }
  const halves = registered(BATCH_NORM_DZ, BATCH_NORM_DX);
  // Without the kernels, each temporary is freed once used: the backward pass's peak is a few activations.
  const xHat = halves ? undefined : tf.tidy(() => normalized(x, stats));
  const [dz, dzXHat] = halves
    ? run<[tf.Tensor4D, tf.Tensor4D]>(BATCH_NORM_DZ, { dy, x, mean, invStd, gamma, beta }, { activation })
    : tf.tidy(() => {
        const g =
          activation === 'linear'
            ? dy
            : activationGradient(activation, dy, tf.add(tf.mul(xHat!, gamma), beta));
        return [g, tf.mul(g, xHat!)];
      });
  const dBeta = tf.sum(dz, [0, 1, 2]) as tf.Tensor1D;
  const dGamma = tf.sum(dzXHat, [0, 1, 2]) as tf.Tensor1D;
  dzXHat.dispose();
  const all = acrossReplicas?.(dBeta, dGamma) ?? { dBeta, dGamma, count: dy.size / dy.shape[3] };
  const dx: tf.Tensor4D = halves
    ? run(
        BATCH_NORM_DX,
        { dz, x, mean, invStd, gamma, dBeta: all.dBeta, dGamma: all.dGamma },
        { count: all.count },
      )
    : tf.tidy(() => {
        const factor = tf.mul(gamma, tf.div(invStd, all.count));
        const scaled = tf.mul(dz, all.count);
        const centred = tf.sub(scaled, all.dBeta);
        scaled.dispose();
        const explained = tf.mul(xHat!, all.dGamma);
        const rest = tf.sub(centred, explained);
        tf.dispose([centred, explained]);
        return tf.mul(rest, factor);
      });
  if (dz !== dy) dz.dispose();
  xHat?.dispose();
  return [dx, dGamma, dBeta];
}
