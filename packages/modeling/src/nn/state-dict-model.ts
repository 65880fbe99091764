/**
 * The root of a module tree: owns every tensor of its modules in one StateStore, named by state_dict key, and
 * does all state_dict handling (ours and PyTorch's), as torch.nn.Module does for the reference's models.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { Scope, StateStore, type TorchStateTensor, type TorchSubsetLoad } from './state';
import type { TorchTensorLike } from './torch-layout';

/** A model that owns its variables: call `dispose()`. Subclasses build their modules with `build`. */
export class StateDictModel {
  private readonly store: StateStore;

  /** @param seed seed of the random initial weights */
  constructor(seed: number) {
    this.store = new StateStore(seed);
  }

  /** Builds modules under the root scope; when building fails, frees every variable built so far and rethrows. */
  protected build<T>(make: (root: Scope) => T): T {
    try {
      return make(new Scope(this.store));
    } catch (err) {
      this.store.dispose();
      throw err;
    }
  }

  /** Trainable variables by state_dict key (what the optimiser updates). */
  trainableVariables(): Map<string, tf.Variable> {
    return new Map(
      this.store
        .entries()
        .filter((e) => e.trainable)
        .map((e) => [e.name, e.variable]),
    );
  }

  /** Every tensor (parameters and buffers) by state_dict key, live: read, don't dispose. */
  stateDict(): Map<string, tf.Variable> {
    return this.store.stateDict();
  }

  /** Loads our own checkpoint (same keys and NHWC shapes as `stateDict`); strict, all-or-nothing. */
  loadStateDict(tensors: ReadonlyMap<string, tf.Tensor>, source?: string): void {
    this.store.load(tensors, source);
  }

  /**
   * Loads a reference state_dict (e.g. `readTorchCheckpoint(path).stateDict`), transposing PyTorch layouts;
   * strict: an error names every missing, unexpected or mis-shaped tensor, and nothing changes.
   */
  loadTorchStateDict(tensors: ReadonlyMap<string, TorchTensorLike>, source?: string): void {
    this.store.loadTorch(tensors, source);
  }

  /** The reference's state_dict (PyTorch keys, shapes and layouts), e.g. for `writeTorchCheckpoint`. */
  torchStateDict(): Map<string, TorchStateTensor> {
    return this.store.toTorch();
  }

  /**
   * PyTorch's `load_state_dict(tensors, strict)` on the sub-module whose keys start with `under` (e.g.
   * `backbone.`), as the reference loads ImageNet weights; see `StateStore.loadTorchSubset`.
   */
  loadTorchSubset(
    tensors: ReadonlyMap<string, TorchTensorLike>,
    under: string,
    strict: boolean,
    source?: string,
  ): TorchSubsetLoad {
    return this.store.loadTorchSubset(tensors, under, strict, source);
  }

  /** Frees every variable of the model. */
  dispose(): void {
    this.store.dispose();
  }
}
