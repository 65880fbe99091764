/** Runs a list of layers in turn, fusing what tfjs can run as one convolution. */
import * as tf from '@tensorflow/tfjs-core';
import type { FusableActivation, FusableActivationModule } from './activation';
import { BatchNorm2d } from './batch-norm';
import { Conv2d } from './conv';
import type { ForwardContext, Module } from './module';

function fusableActivation(layer: Module | undefined): FusableActivation | null {
  return (layer as Partial<FusableActivationModule> | undefined)?.fusedActivation ?? null;
}

/**
 * Runs `layers[start, end)` on `x`, each on the previous one's output. Conv2d → [BatchNorm2d, inference only] →
 * [ReLU/ReLU6] run as one fused convolution (BatchNorm folded into filter and bias): the same values as the
 * layers in turn, with fewer passes over the activations. Nothing fuses across `start` or `end`, so a caller
 * that taps an intermediate output (a backbone's feature map) gets it unfused. Each step runs in its own
 * tf.tidy, so a step's intermediates are freed as it ends rather than with the caller's scope: in a training
 * pass, what the backward pass does not keep goes before the next layer allocates.
 */
export function runLayers(
  layers: readonly Module[],
  x: tf.Tensor4D,
  ctx: ForwardContext,
  start = 0,
  end = layers.length,
): tf.Tensor4D {
  let i = start;
  while (i < end) {
    const layer = layers[i++]!;
    const input = x;
    if (!(layer instanceof Conv2d)) {
      x = tf.tidy(() => layer.forward(input, ctx));
      continue;
    }
    const next = i < end ? layers[i] : undefined;
    const batchNorm = next instanceof BatchNorm2d ? next : null;
    if (batchNorm) i++;
    const activation = i < end ? fusableActivation(layers[i]) : null;
    if (activation) i++;
    x = tf.tidy(() => {
      // Inference folds BatchNorm into the convolution; training normalises with the batch's statistics,
      // the activation applied within BatchNorm's op (which then keeps only its input for the backward pass).
      if (!batchNorm || !ctx.training) {
        return layer.forwardFused(input, batchNorm, activation ?? 'linear', ctx.training);
      }
      return batchNorm.forwardActivated(layer.forward(input), ctx, activation ?? 'linear');
    });
  }
  return x;
}
