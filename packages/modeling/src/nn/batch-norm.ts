/** nn.BatchNorm2d over the channel (last) axis of NHWC tensors. */
import * as tf from '@tensorflow/tfjs-core';
import { applyActivation, type FusableActivation } from './activation';
import {
  type AcrossReplicas,
  type BatchNormSaved,
  batchNormBackward,
  batchNormForward,
} from './batch-norm-kernels';
import { activeBatchNormSync, type BatchMoments, syncedMoments, syncedSums } from './batch-norm-sync';
import { constant, zeros } from './init';
import type { ForwardContext, Module } from './module';
import type { Scope } from './state';

/** Training-mode normalisation (and activation) as one differentiable op. */
type BatchNormOp = (x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D) => tf.Tensor4D;

/** Construction options; defaults are PyTorch's. */
export interface BatchNorm2dOptions {
  readonly numFeatures: number;
  readonly eps?: number;
  /** Weight of the new batch statistic in the running average (PyTorch convention, default 0.1). */
  readonly momentum?: number;
}

/**
 * Trainable `weight`/`bias` plus non-trainable `running_mean`, `running_var`, `num_batches_tracked`.
 * Inference normalises with the running statistics; training normalises with the batch's (biased) statistics
 * and folds them into the running ones, using the unbiased variance as PyTorch does. Under a BatchNormSync
 * (see batch-norm-sync) "the batch" is every replica's share of it together.
 */
export class BatchNorm2d implements Module {
  readonly weight: tf.Variable<tf.Rank.R1>;
  readonly bias: tf.Variable<tf.Rank.R1>;
  readonly runningMean: tf.Variable<tf.Rank.R1>;
  readonly runningVar: tf.Variable<tf.Rank.R1>;
  readonly numBatchesTracked: tf.Variable<tf.Rank.R0>;
  readonly eps: number;
  private readonly momentum: number;
  private readonly name: string;

  constructor(scope: Scope, opts: BatchNorm2dOptions) {
    this.name = scope.prefix;
    const shape = [opts.numFeatures];
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    this.weight = scope.param('weight', { shape, init: constant(1) });
    this.bias = scope.param('bias', { shape, init: zeros });
    this.runningMean = scope.buffer('running_mean', { shape, init: zeros });
    this.runningVar = scope.buffer('running_var', { shape, init: constant(1) });
    this.numBatchesTracked = scope.counter('num_batches_tracked');
  }

  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return this.forwardActivated(x, ctx, 'linear');
  }

  /**
   * This layer followed by an activation. In training the two run as one op that keeps its input (and the
   * per-channel statistics) for the backward pass and recomputes the normalised values and the activation's
   * input from it there, as PyTorch's in-place ReLU after BatchNorm does: one activation-sized tensor kept
   * instead of three, and the same gradients bit for bit (the recomputation repeats the forward's ops).
   */
  forwardActivated(
    x: tf.Tensor4D,
    ctx: ForwardContext,
    activation: FusableActivation | 'linear',
  ): tf.Tensor4D {
    if (!ctx.training) {
      const y = tf.batchNorm4d(x, this.runningMean, this.runningVar, this.bias, this.weight, this.eps);
      return activation === 'linear' ? y : applyActivation(activation, y);
    }
    return this.normalizeBatch(x, this.weight, this.bias, activation);
  }

  /**
   * Training-mode normalisation (and activation) as one differentiable op with its gradient written out, so the
   * tape keeps x and per-channel tensors instead of every intermediate of the composed ops:
   * z = γ·x̂ + β with x̂ = (x − μ)/√(σ² + ε), y = act(z); dz = dy·act′(z), dβ = Σdz, dγ = Σdz·x̂,
   * dx = γ/(N√(σ² + ε))·(N·dz − dβ − x̂·dγ). The steps run as a backend's kernels where it has them (see
   * batch-norm-kernels).
   */
  private normalizeBatch(
    x: tf.Tensor4D,
    gamma: tf.Tensor1D,
    beta: tf.Tensor1D,
    activation: FusableActivation | 'linear',
  ): tf.Tensor4D {
    const op = activation === 'linear' ? this.normalizeLinear : this.normalizeActivated[activation];
    return op(x, gamma, beta);
  }

  private readonly normalizeLinear = this.normalizeOp('linear');
  private readonly normalizeActivated: Record<FusableActivation, BatchNormOp> = {
    relu: this.normalizeOp('relu'),
    relu6: this.normalizeOp('relu6'),
  };

  private normalizeOp(activation: FusableActivation | 'linear'): BatchNormOp {
    return tf.customGrad((...args: unknown[]) => {
      const [x, gamma, beta, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      // Captured here: the backward pass must sum with the replicas this forward pass normalised with.
      const sync = activeBatchNormSync();
      const { mean, variance, count } = sync ? syncedMoments(x, sync, this.name) : this.moments(x);
      if (count < 2) {
        // As PyTorch: one value per channel has no variance to normalise by.
        throw new Error(
          `BatchNorm ${this.name}: expected more than 1 value per channel when training, got input [${x.shape.join(', ')}]${sync ? ' on every replica together' : ''} (use a larger batch)`,
        );
      }
      this.updateRunningStats(mean, variance, count);
      const invStd = tf.rsqrt(tf.add(variance, this.eps)) as tf.Tensor1D;
      const acrossReplicas: AcrossReplicas | undefined = sync
        ? (dBeta, dGamma) => {
            const [b, g] = syncedSums([dBeta, dGamma], sync, this.name);
            return { dBeta: b!, dGamma: g!, count };
          }
        : undefined;
      const { y, saved } = batchNormForward(x, { mean, invStd }, gamma, beta, activation);
      save(saved);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor | tf.Tensor[], kept: tf.Tensor[]) =>
          batchNormBackward(dy as tf.Tensor4D, kept as BatchNormSaved, activation, acrossReplicas),
      };
    }) as BatchNormOp;
  }

  private moments(x: tf.Tensor4D): BatchMoments {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return { mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D, count: x.size / x.shape[3] };
  }

  /**
   * The inference-mode affine map folded into the preceding convolution's filter and bias (PyTorch's
   * fuse_conv_bn_eval): scale = γ/√(var+ε) multiplies each output channel, shift = β − mean·scale is added.
   * `depthwise` filters are [kh, kw, C, M] with output channel c·M + m.
   */
  foldIntoConv(
    filter: tf.Tensor4D,
    bias: tf.Tensor1D | null,
    depthwise: boolean,
  ): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
    const scale = tf.mul(this.weight, tf.rsqrt(tf.add(this.runningVar, this.eps)));
    const shift = tf.sub(this.bias, tf.mul(this.runningMean, scale));
    const [, , c, m] = filter.shape;
    return {
      filter: tf.mul(filter, depthwise ? tf.reshape(scale, [c, m]) : scale) as tf.Tensor4D,
      bias: (bias ? tf.add(tf.mul(bias, scale), shift) : shift) as tf.Tensor1D,
    };
  }

  private updateRunningStats(mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    const m = this.momentum;
    const unbiased = count / (count - 1);
    tf.tidy(() => {
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(variance, m * unbiased)));
      this.numBatchesTracked.assign(tf.add(this.numBatchesTracked, tf.scalar(1, 'int32')));
    });
  }
}
