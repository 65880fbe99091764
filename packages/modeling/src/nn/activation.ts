/** Parameterless element-wise activations (they still occupy an index inside a `Sequential`). */
import * as tf from '@tensorflow/tfjs-core';
import type { Module } from './module';

/** An activation tfjs can apply inside a fused convolution. */
export type FusableActivation = 'relu' | 'relu6';

/** An activation layer that a preceding convolution may absorb (see `Sequential`). */
export interface FusableActivationModule {
  readonly fusedActivation: FusableActivation;
}

/** nn.ReLU. */
export class ReLU<T extends tf.Tensor = tf.Tensor4D> implements Module<T>, FusableActivationModule {
  readonly fusedActivation = 'relu';

  forward(x: T): T {
    return tf.relu(x);
  }
}

/** nn.ReLU6: min(max(x, 0), 6). */
export class ReLU6<T extends tf.Tensor = tf.Tensor4D> implements Module<T>, FusableActivationModule {
  readonly fusedActivation = 'relu6';

  forward(x: T): T {
    return tf.relu6(x);
  }
}

/** tfjs's op and kernel for each fusable activation. */
const ACTIVATION_OPS: Readonly<
  Record<FusableActivation, { op: (x: tf.Tensor) => tf.Tensor; kernel: string }>
> = {
  relu: { op: tf.relu, kernel: tf.Relu },
  relu6: { op: tf.relu6, kernel: tf.Relu6 },
};

/** `activation(x)` by name. */
export function applyActivation<T extends tf.Tensor>(activation: FusableActivation, x: T): T {
  return ACTIVATION_OPS[activation].op(x) as T;
}

/**
 * The activation's gradient at input `x` given the output's gradient `dy`, by the gradient registered for its
 * kernel (whatever a backend package registered, as the tape would run it).
 */
export function activationGradient<T extends tf.Tensor>(activation: FusableActivation, dy: T, x: T): T {
  const { kernel } = ACTIVATION_OPS[activation];
  const config = tf.getGradient(kernel);
  if (!config || config.outputsToSave?.some(Boolean) || (config.inputsToSave ?? []).join() !== 'x') {
    throw new Error(
      `${kernel}: no gradient registered that takes the input alone (register tfjs's gradients)`,
    );
  }
  return config.gradFunc(dy, [x], {}).x!() as T;
}
