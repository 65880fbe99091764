/**
 * Gradients of a scalar with respect to variables, as tfjs's `variableGrads` computes them (the same kernels in
 * the same order, so the same numbers) but freeing memory as the backward pass goes, as PyTorch's autograd does:
 * tfjs keeps every tensor a backward step saved and every intermediate gradient until the whole backward pass
 * ends, which on a training step doubles what the forward pass keeps. Here each tape node's saved tensors and
 * its outputs' gradients are freed once the node has propagated, and a node's gradient intermediates once its
 * input gradients exist. Relies on tfjs-core's engine internals (its tape), pinned with tfjs-core.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A recorded kernel call, as tfjs-core's engine keeps it on its tape. */
interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
}

/** The parts of tfjs-core's engine that recording and walking the tape use. */
interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  tidy<T>(name: string, f: () => T): T;
}

function engineInternals(): EngineInternals {
  const engine = tf.engine() as unknown as Partial<EngineInternals>;
  if (typeof engine.startTape !== 'function' || typeof engine.scopedRun !== 'function' || !engine.state) {
    throw new Error(
      'backprop: this tfjs-core has no tape to walk (expected the version pinned by @ssd/trainer)',
    );
  }
  return engine as EngineInternals;
}

/** Frees what the recorded tape saved (also after a failed forward pass) and drops the tape. */
function releaseTape(engine: EngineInternals): void {
  for (const node of engine.state.activeTape ?? []) for (const t of node.saved ?? []) t.dispose();
  engine.state.activeTape = null;
}

/**
 * The nodes on a path from `xs` to `y`, inputs pruned to those depending on `xs` (tfjs-core's
 * getFilteredNodesXToY, which the package does not export).
 */
function pathNodes(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      for (const o of node.outputs) fromX.add(o.id);
      nodesFromX.add(node.id);
    }
  }
  const toY = new Set([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (node.outputs.some((o) => toY.has(o.id))) {
      for (const t of Object.values(node.inputs)) toY.add(t.id);
      nodesToY.add(node.id);
    }
  }
  const out: TapeNode[] = [];
  for (const node of tape) {
    if (!nodesFromX.has(node.id) || !nodesToY.has(node.id)) continue;
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, t] of Object.entries(node.inputs)) if (fromX.has(t.id)) inputs[name] = t;
    out.push({ ...node, inputs });
  }
  return out;
}

/**
 * Gradients by tensor id, each tensor object counted by the entries holding it: a gradient function may hand
 * its dy on as a dx, and one tensor then stands for two gradients.
 */
class GradientMap {
  private readonly byId = new Map<number, tf.Tensor>();
  private readonly holders = new Map<tf.Tensor, number>();

  get(id: number): tf.Tensor | undefined {
    return this.byId.get(id);
  }

  set(id: number, t: tf.Tensor): void {
    this.byId.set(id, t);
    this.holders.set(t, (this.holders.get(t) ?? 0) + 1);
  }

  /** Forgets `id`'s gradient, freeing it when no other entry holds it. */
  drop(id: number): void {
    const t = this.byId.get(id);
    if (!t) return;
    this.byId.delete(id);
    const n = (this.holders.get(t) ?? 1) - 1;
    if (n > 0) {
      this.holders.set(t, n);
      return;
    }
    this.holders.delete(t);
    t.dispose();
  }

  /**
   * Adds `dx` to `id`'s gradient (tfjs's order: current + dx), freeing the addends unless held elsewhere or
   * `needed` later.
   */
  accumulate(id: number, dx: tf.Tensor, needed: boolean): void {
    const current = this.byId.get(id);
    if (!current) {
      this.set(id, dx);
      return;
    }
    const sum = tf.add(current, dx);
    this.drop(id);
    if (!needed && !this.holders.has(dx)) dx.dispose();
    this.set(id, sum);
  }
}

/**
 * `{value, grads}` of `f` (a scalar) with respect to `xs` (null where `y` does not depend on one), computed
 * like tfjs-core's engine.gradients with memory freed as the backward pass walks the tape (see the module's
 * comment). Must not run inside another gradient computation.
 */
export function leanGradients(
  f: () => tf.Scalar,
  xs: tf.Variable[],
): { value: tf.Scalar; grads: (tf.Tensor | null)[] } {
  const engine = engineInternals();
  if (engine.state.gradientDepth !== 0)
    throw new Error('leanGradients: nested inside another gradient computation');
  try {
    const y = engine.scopedRun(
      () => engine.startTape(),
      () => engine.endTape(),
      () => engine.tidy('forward', f),
    );
    const tape = engine.state.activeTape ?? [];
    if (!(y instanceof tf.Tensor) || y.rank !== 0) throw new Error('leanGradients: f must return a scalar');
    const path = pathNodes(tape, xs, y);
    // What nodes off the path saved is never read: free it before the backward pass needs memory.
    const onPath = new Set(path.map((n) => n.id));
    for (const node of tape) if (!onPath.has(node.id)) for (const t of node.saved ?? []) t.dispose();
    const targets = new Set(xs.map((x) => x.id));
    return engine.tidy('backward', () => {
      const grads = new GradientMap();
      grads.set(y.id, tf.ones(y.shape));
      for (let i = path.length - 1; i >= 0; i--) {
        const node = path[i]!;
        if (!node.gradient)
          throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
        const dys = node.outputs.map((o) => grads.get(o.id) ?? null);
        const names = Object.keys(node.inputs);
        // One scope per node: its gradient's intermediates (and the zeros standing for missing dys) go now.
        const dxs = engine.tidy(node.kernelName, () => {
          const fns = node.gradient!(dys);
          return names.map((name) => {
            if (!(name in fns)) {
              throw new Error(
                `Cannot backprop through input ${name}. Available gradients found: ${Object.keys(fns)}.`,
              );
            }
            return fns[name]!();
          });
        });
        for (const [k, name] of names.entries()) {
          const dx = dxs[k]!;
          const x = node.inputs[name]!;
          if (dx.dtype !== 'float32') {
            throw new Error(
              `Error in gradient for op ${node.kernelName}. The gradient of input ${name} must have 'float32' dtype, but has '${dx.dtype}'`,
            );
          }
          if (!tf.util.arraysEqual(dx.shape, x.shape)) {
            throw new Error(
              `Error in gradient for op ${node.kernelName}. The gradient of input '${name}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`,
            );
          }
          grads.accumulate(x.id, dx, dxs.indexOf(dx, k + 1) >= 0);
        }
        for (const o of node.outputs) if (!targets.has(o.id)) grads.drop(o.id);
        for (const t of node.saved ?? []) t.dispose();
      }
      return { value: y, grads: xs.map((x) => grads.get(x.id) ?? null) };
    });
  } finally {
    releaseTape(engine);
  }
}

/**
 * Bytes of tensors that `f`'s forward pass leaves for a backward pass (what it saved on the tape, and its
 * result), measured by running it under a tape and dropping the tape unused. Counts a tensor once per
 * reference to its data, so data a saved tensor shares (a weight) counts again.
 */
export function forwardKeptBytes(f: () => tf.Tensor): number {
  const engine = engineInternals();
  if (engine.state.gradientDepth !== 0)
    throw new Error('forwardKeptBytes: nested inside a gradient computation');
  const before = tf.memory().numBytes;
  try {
    const y = engine.scopedRun(
      () => engine.startTape(),
      () => engine.endTape(),
      () => engine.tidy('forward', f),
    );
    const kept = tf.memory().numBytes - before;
    y.dispose();
    return kept;
  } finally {
    releaseTape(engine);
  }
}
