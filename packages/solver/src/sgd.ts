import * as tf from '@tensorflow/tfjs-core';
import { fusedMomentumUpdate } from './momentum-update-kernel';

/** SGD hyper-parameters, as torch.optim.SGD takes them. */
export interface SGDOptions {
  lr: number;
  momentum: number;
  weightDecay: number;
}

/** The optimizer's state for a checkpoint: momentum buffers by parameter key. */
export interface SGDState {
  lr: number;
  momentumBuffers: Record<string, { shape: number[]; values: Float32Array }>;
}

/**
 * SGD with momentum and weight decay with PyTorch's semantics:
 * g ← g + wd·w;  v ← m·v + g  (v starts as g);  w ← w − lr·v.
 * Parameters come keyed (e.g. by state-dict name) so saved state does not depend on tfjs's
 * process-wide variable names; gradients come keyed by tfjs variable name, as tf.variableGrads gives them.
 */
export class SGD {
  /** The learning rate of the next step; the LR scheduler sets it. */
  lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  private readonly buffers = new Map<string, tf.Variable>();

  constructor(
    private readonly params: ReadonlyMap<string, tf.Variable>,
    options: SGDOptions,
  ) {
    this.lr = options.lr;
    this.momentum = options.momentum;
    this.weightDecay = options.weightDecay;
  }

  /** Applies one update from gradients keyed by tfjs variable name; parameters without one stay put. */
  step(grads: tf.NamedTensorMap): void {
    tf.tidy(() => {
      for (const [key, v] of this.params) {
        const g = grads[v.name];
        if (!g) continue;
        const buffer = this.buffers.get(key);
        const { lr, momentum, weightDecay } = this;
        const fused = buffer && fusedMomentumUpdate(v, g, buffer, { lr, momentum, weightDecay });
        if (fused) {
          buffer.assign(fused[0]);
          v.assign(fused[1]);
          continue;
        }
        let d = weightDecay !== 0 ? tf.add(g, tf.mul(v, weightDecay)) : g;
        if (momentum !== 0) {
          if (buffer) buffer.assign(tf.add(tf.mul(buffer, momentum), d));
          else this.buffers.set(key, tf.variable(d, false));
          d = this.buffers.get(key)!;
        }
        v.assign(tf.sub(v, tf.mul(d, lr)));
      }
    });
  }

  /** A copy of the state (for checkpoints). */
  async state(): Promise<SGDState> {
    const momentumBuffers: SGDState['momentumBuffers'] = {};
    for (const [name, buf] of this.buffers) {
      momentumBuffers[name] = { shape: buf.shape, values: (await buf.data()) as Float32Array };
    }
    return { lr: this.lr, momentumBuffers };
  }

  /** Restores state saved by `state()`; a buffer for an unknown variable or of the wrong shape is an error. */
  loadState(state: SGDState): void {
    this.disposeBuffers();
    for (const [name, { shape, values }] of Object.entries(state.momentumBuffers)) {
      const v = this.params.get(name);
      if (!v) throw new Error(`optimizer state has a momentum buffer for unknown parameter '${name}'`);
      if (shape.join(',') !== v.shape.join(',')) {
        throw new Error(
          `optimizer state for '${name}' has shape [${shape}] but the parameter is [${v.shape}]`,
        );
      }
      this.buffers.set(name, tf.variable(tf.tensor(values, shape), false));
    }
    this.lr = state.lr;
  }

  /** Frees the momentum buffers. */
  dispose(): void {
    this.disposeBuffers();
  }

  private disposeBuffers(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}
