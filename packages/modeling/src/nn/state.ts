/**
 * Named model state. Every tensor of a model (trainable parameter or buffer such as BatchNorm running stats)
 * lives in one `StateStore` under its PyTorch state_dict key (e.g. `backbone.vgg.0.weight`), together with its
 * PyTorch shape and layout, so reference checkpoints load by name and our own checkpoints use the same keys.
 * Layers get a `Scope` (a key prefix plus initialisation defaults) and declare their tensors through it.
 */
import { Rng } from '@ssd/random';
import * as tf from '@tensorflow/tfjs-core';
import { computeFans, type Initializer, torchDefaultUniform } from './init';
import { type TorchLayout, type TorchTensorLike, tensorFromTorch, toTorchLayout } from './torch-layout';

/** One named tensor of the model. */
export interface StateEntry {
  /** PyTorch state_dict key. */
  readonly name: string;
  /** The live tfjs variable (NHWC layout); owned by the store. */
  readonly variable: tf.Variable;
  /** Whether optimisers update it (false for BatchNorm running stats and counters). */
  readonly trainable: boolean;
  /** Shape of the same tensor in a PyTorch state_dict. */
  readonly torchShape: readonly number[];
  /** How the PyTorch tensor maps onto ours. */
  readonly layout: TorchLayout;
}

/** One tensor as a PyTorch state_dict holds it: PyTorch's shape, row-major data in PyTorch's layout. */
export interface TorchStateTensor {
  shape: number[];
  dtype: 'float32' | 'int64';
  data: Float32Array | BigInt64Array;
}

/** Initialisers used by layers that are not told otherwise, mirroring a PyTorch `reset_parameters` pass. */
export interface InitScheme {
  readonly convWeight: Initializer;
  readonly convBias: Initializer;
  readonly linearWeight: Initializer;
  readonly linearBias: Initializer;
}

/** PyTorch's own defaults for freshly constructed nn.Conv2d / nn.Linear. */
export const TORCH_DEFAULT_INIT: InitScheme = {
  convWeight: torchDefaultUniform,
  convBias: torchDefaultUniform,
  linearWeight: torchDefaultUniform,
  linearBias: torchDefaultUniform,
};

/** Declaration of a float tensor for `Scope.param` / `Scope.buffer`. */
export interface TensorSpec {
  /** tfjs shape. */
  readonly shape: readonly number[];
  /** PyTorch shape (defaults to `shape`, for layout `same`). */
  readonly torchShape?: readonly number[];
  readonly layout?: TorchLayout;
  readonly init: Initializer;
  /** PyTorch shape of the owning layer's weight, for fan-based initialisers (defaults to `torchShape`). */
  readonly fanShape?: readonly number[];
}

/** What `StateStore.loadTorchSubset` did: model keys assigned and left alone, source keys skipped. */
export interface TorchSubsetLoad {
  readonly loaded: string[];
  readonly missing: string[];
  readonly unexpected: string[];
}

let storeCounter = 0;

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Joins up to 10 names for an error message, with a count of the rest. */
function listNames(names: string[]): string {
  const shown = names.slice(0, 10).join(', ');
  return names.length > 10 ? `${shown}, … (${names.length} in all)` : shown;
}

/** All named tensors of one model, in creation order (which follows the reference's state_dict order). */
export class StateStore {
  private readonly entriesByName = new Map<string, StateEntry>();
  /** Prefix that keeps tfjs's global variable names unique when several models coexist. */
  private readonly id = `ssd${storeCounter++}`;
  /** Shared generator so initial values depend only on the seed and declaration order. */
  readonly rng: Rng;

  constructor(seed = 0) {
    this.rng = new Rng(seed);
  }

  /** Registers a tensor under `name`; the store takes ownership of `value`. */
  add(
    name: string,
    value: tf.Tensor,
    trainable: boolean,
    torchShape: readonly number[],
    layout: TorchLayout,
  ): StateEntry {
    if (this.entriesByName.has(name)) throw new Error(`state tensor ${name} is declared twice`);
    const variable = tf.variable(value, trainable, `${this.id}/${name}`);
    value.dispose();
    const entry: StateEntry = { name, variable, trainable, torchShape: [...torchShape], layout };
    this.entriesByName.set(name, entry);
    return entry;
  }

  /** Every entry, in declaration order. */
  entries(): StateEntry[] {
    return [...this.entriesByName.values()];
  }

  /** The entry named `name`, or an error naming it. */
  get(name: string): StateEntry {
    const e = this.entriesByName.get(name);
    if (!e) throw new Error(`no state tensor named ${name}`);
    return e;
  }

  /** The variables an optimiser should update, in declaration order. */
  trainableVariables(): tf.Variable[] {
    return this.entries()
      .filter((e) => e.trainable)
      .map((e) => e.variable);
  }

  /** Live variables by key (not copies: read them, don't dispose them). */
  stateDict(): Map<string, tf.Variable> {
    return new Map(this.entries().map((e) => [e.name, e.variable]));
  }

  /**
   * Assigns tensors in our own layout (as `stateDict` returns them). Throws, changing nothing, if any key is
   * missing, unexpected or has another shape.
   */
  load(tensors: ReadonlyMap<string, tf.Tensor>, source = 'state dict'): void {
    this.checkKeys(tensors, source, (e, t) =>
      sameShape(e.variable.shape, t.shape) ? null : e.variable.shape,
    );
    for (const e of this.entries()) {
      const t = tensors.get(e.name)!;
      tf.tidy(() => e.variable.assign(t.dtype === e.variable.dtype ? t : tf.cast(t, e.variable.dtype)));
    }
  }

  /**
   * Assigns tensors read from a PyTorch checkpoint (PyTorch layout and shapes), transposing them into ours.
   * Throws, changing nothing, if any key is missing, unexpected or has another shape.
   */
  loadTorch(tensors: ReadonlyMap<string, TorchTensorLike>, source = 'PyTorch state dict'): void {
    this.checkKeys(tensors, source, (e, t) => (sameShape(e.torchShape, t.shape) ? null : e.torchShape));
    const converted: tf.Tensor[] = [];
    try {
      for (const e of this.entries()) {
        const dtype = e.variable.dtype === 'int32' ? 'int32' : 'float32';
        converted.push(tensorFromTorch(e.name, tensors.get(e.name)!, e.layout, e.variable.shape, dtype));
      }
    } catch (error) {
      tf.dispose(converted);
      throw new Error(`${source}: ${(error as Error).message}`);
    }
    this.entries().forEach((e, i) => {
      e.variable.assign(converted[i]);
      converted[i].dispose();
    });
  }

  /**
   * Every tensor in PyTorch's layout and shape, by key in declaration order: what `torch.save` of the
   * reference model's state_dict holds (integer counters as int64), so `loadTorch` and PyTorch read it back.
   */
  toTorch(): Map<string, TorchStateTensor> {
    const out = new Map<string, TorchStateTensor>();
    for (const e of this.entries()) {
      const values = e.variable.dataSync();
      const shape = [...e.torchShape];
      if (e.variable.dtype === 'int32') {
        out.set(e.name, { shape, dtype: 'int64', data: BigInt64Array.from(values, (v) => BigInt(v)) });
      } else {
        out.set(e.name, {
          shape,
          dtype: 'float32',
          data: toTorchLayout(Float32Array.from(values), e.layout, e.variable.shape),
        });
      }
    }
    return out;
  }

  /**
   * PyTorch's `load_state_dict` on the sub-module whose keys start with `under` (e.g. `backbone.`): keys of
   * `tensors` are relative to it. Non-strict (the reference's `strict=False`) assigns the keys both sides have
   * and skips the rest; strict also requires exactly the sub-module's keys. Either way a shape mismatch is an
   * error, as in PyTorch, and on any error nothing changes.
   */
  loadTorchSubset(
    tensors: ReadonlyMap<string, TorchTensorLike>,
    under: string,
    strict: boolean,
    source = 'PyTorch state dict',
  ): TorchSubsetLoad {
    const inScope = this.entries().filter((e) => e.name.startsWith(under));
    const loaded: StateEntry[] = [];
    const missing: string[] = [];
    const wrong: string[] = [];
    for (const e of inScope) {
      const t = tensors.get(e.name.slice(under.length));
      if (!t) missing.push(e.name);
      else if (!sameShape(e.torchShape, t.shape))
        wrong.push(`${e.name} (expected ${fmt(e.torchShape)}, got ${fmt(t.shape)})`);
      else loaded.push(e);
    }
    const unexpected = [...tensors.keys()].filter((k) => !this.entriesByName.has(under + k));
    const problems: string[] = [];
    if (strict && missing.length) problems.push(`missing: ${listNames(missing)}`);
    if (strict && unexpected.length) problems.push(`unexpected: ${listNames(unexpected)}`);
    if (wrong.length) problems.push(`wrong shape: ${listNames(wrong)}`);
    if (problems.length) throw new Error(`${source} does not match the model: ${problems.join('; ')}`);
    const converted = loaded.map((e) =>
      tensorFromTorch(
        e.name,
        tensors.get(e.name.slice(under.length))!,
        e.layout,
        e.variable.shape,
        e.variable.dtype === 'int32' ? 'int32' : 'float32',
      ),
    );
    loaded.forEach((e, i) => {
      e.variable.assign(converted[i]);
      converted[i].dispose();
    });
    return { loaded: loaded.map((e) => e.name), missing, unexpected };
  }

  private checkKeys<T extends { readonly shape: readonly number[] }>(
    tensors: ReadonlyMap<string, T>,
    source: string,
    expectedShapeIfWrong: (e: StateEntry, t: T) => readonly number[] | null,
  ): void {
    const missing: string[] = [];
    const wrong: string[] = [];
    for (const e of this.entries()) {
      const t = tensors.get(e.name);
      if (!t) {
        missing.push(e.name);
        continue;
      }
      const want = expectedShapeIfWrong(e, t);
      if (want) wrong.push(`${e.name} (expected ${fmt(want)}, got ${fmt(t.shape)})`);
    }
    const extra = [...tensors.keys()].filter((k) => !this.entriesByName.has(k));
    const problems: string[] = [];
    if (missing.length) problems.push(`missing: ${listNames(missing)}`);
    if (extra.length) problems.push(`unexpected: ${listNames(extra)}`);
    if (wrong.length) problems.push(`wrong shape: ${listNames(wrong)}`);
    if (problems.length) throw new Error(`${source} does not match the model: ${problems.join('; ')}`);
  }

  /** Frees every variable. */
  dispose(): void {
    for (const e of this.entriesByName.values()) e.variable.dispose();
    this.entriesByName.clear();
  }
}

/** A key prefix into a `StateStore` plus the initialisation defaults for layers built under it. */
export class Scope {
  constructor(
    readonly store: StateStore,
    readonly prefix = '',
    readonly init: InitScheme = TORCH_DEFAULT_INIT,
  ) {}

  /** The scope for a sub-module named `name` (PyTorch attribute name or list index). */
  child(name: string | number): Scope {
    return new Scope(this.store, this.key(String(name)), this.init);
  }

  /** The same prefix with some initialisers replaced (a reference module's `reset_parameters`). */
  withInit(overrides: Partial<InitScheme>): Scope {
    return new Scope(this.store, this.prefix, { ...this.init, ...overrides });
  }

  /** Full key of a tensor named `name` in this scope. */
  key(name: string): string {
    return this.prefix ? `${this.prefix}.${name}` : name;
  }

  /** Declares a trainable float tensor. */
  param<R extends tf.Rank = tf.Rank>(name: string, spec: TensorSpec): tf.Variable<R> {
    return this.declare(name, spec, true) as tf.Variable<R>;
  }

  /** Declares a non-trainable float tensor (e.g. BatchNorm running statistics). */
  buffer<R extends tf.Rank = tf.Rank>(name: string, spec: TensorSpec): tf.Variable<R> {
    return this.declare(name, spec, false) as tf.Variable<R>;
  }

  /** Declares a non-trainable integer scalar stored by PyTorch as int64 (e.g. `num_batches_tracked`). */
  counter(name: string): tf.Variable<tf.Rank.R0> {
    return this.store.add(this.key(name), tf.scalar(0, 'int32'), false, [], 'same')
      .variable as tf.Variable<tf.Rank.R0>;
  }

  private declare(name: string, spec: TensorSpec, trainable: boolean): tf.Variable {
    const torchShape = spec.torchShape ?? spec.shape;
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = spec.init({ size, ...computeFans(spec.fanShape ?? torchShape) }, this.store.rng);
    const value = tf.tensor(values, [...spec.shape], 'float32');
    return this.store.add(this.key(name), value, trainable, torchShape, spec.layout ?? 'same').variable;
  }
}
