/**
 * Synchronised BatchNorm (PyTorch's SyncBatchNorm) as a hook: replicas that each train on a share of one batch
 * (threads, processes) give training-mode BatchNorm2d a `BatchNormSync`, and every layer then normalises with
 * the statistics of the whole batch and back-propagates through them. Without one (the default) nothing is
 * combined and nothing is paid. Any model built from BatchNorm2d, a plug-in backbone included, takes part.
 */
import * as tf from '@tensorflow/tfjs-core';

/** How replicas exchange per-channel statistics. */
export interface BatchNormSync {
  /**
   * Every replica's `values`, in replica order (the same list on each replica). Each replica calls it once per
   * training-mode BatchNorm forward and once per backward, in the same order; `layer` names the caller for
   * errors. Blocks until every replica has called it (or throws, saying which layer and call failed).
   */
  allGather(values: Float64Array, layer: string): Float64Array[];
}

let active: BatchNormSync | null = null;

/** Runs `fn` with training-mode BatchNorm on this thread combining its statistics through `sync` (null: none). */
export function withBatchNormSync<T>(sync: BatchNormSync | null, fn: () => T): T {
  const before = active;
  active = sync;
  try {
    return fn();
  } finally {
    active = before;
  }
}

/** The sync in effect for BatchNorm layers running now, if any. */
export function activeBatchNormSync(): BatchNormSync | null {
  return active;
}

/** Per-channel mean and biased variance of a batch over `count` positions. */
export interface BatchMoments {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  count: number;
}

/**
 * The whole batch's moments from each replica's count, mean and biased variance (Chan et al.'s pairwise
 * combination, in float64: no cancellation between Σx² and (Σx)²).
 */
export function syncedMoments(x: tf.Tensor4D, sync: BatchNormSync, layer: string): BatchMoments {
  const c = x.shape[3];
  const local = tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.concat([mean, variance]).dataSync();
  });
  const mine = new Float64Array(2 * c + 1);
  mine[0] = x.size / c;
  mine.set(local, 1);
  const all = sync.allGather(mine, layer);
  const count = all.reduce((n, r) => n + r[0]!, 0);
  const mean = new Float64Array(c);
  for (const r of all) for (let i = 0; i < c; i++) mean[i]! += (r[0]! * r[1 + i]!) / count;
  const variance = new Float64Array(c);
  for (const r of all) {
    for (let i = 0; i < c; i++) {
      const d = r[1 + i]! - mean[i]!;
      variance[i]! += (r[0]! * (r[1 + c + i]! + d * d)) / count;
    }
  }
  return {
    mean: tf.tensor1d(Float32Array.from(mean)),
    variance: tf.tensor1d(Float32Array.from(variance)),
    count,
  };
}

/** Element-wise sums over the replicas of per-channel vectors (dβ = Σdy and dγ = Σdy·x̂ of the backward pass). */
export function syncedSums(parts: tf.Tensor1D[], sync: BatchNormSync, layer: string): tf.Tensor1D[] {
  const sizes = parts.map((p) => p.size);
  const mine = new Float64Array(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const p of parts) {
    mine.set(p.dataSync(), at);
    at += p.size;
  }
  const total = new Float64Array(mine.length);
  for (const r of sync.allGather(mine, layer)) for (let i = 0; i < total.length; i++) total[i]! += r[i]!;
  at = 0;
  return sizes.map((n) => {
    const out = tf.tensor1d(Float32Array.from(total.subarray(at, at + n)));
    at += n;
    return out;
  });
}
