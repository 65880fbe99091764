import { buildPriors, matchAndEncode } from '@ssd/boxes';
import type { SSDConfig } from '@ssd/config';
import type { TrainBatch } from '@ssd/data';
import * as tf from '@tensorflow/tfjs-core';

/** Ground truth of the toy batch's images in turn: corner boxes (x1 y1 x2 y2 …) and their labels. */
const OBJECTS: [number[], number[]][] = [
  [
    [0.1, 0.1, 0.5, 0.6, 0.5, 0.4, 0.9, 0.9],
    [1, 3],
  ],
  [[0.2, 0.3, 0.7, 0.8], [2]],
  [[], []],
  [
    [0.0, 0.0, 0.4, 0.4, 0.6, 0.1, 0.95, 0.5, 0.3, 0.5, 0.7, 0.99],
    [5, 4, 1],
  ],
];

/**
 * A training batch of `n` random images for the config's detector, with 2, 1, 0 and 3 objects in turn (the
 * loss weights, positives per share, then differ between shares). `sameImage`: every image is one random
 * image, so BatchNorm's batch statistics are the same in any share of the batch.
 */
export function toyBatch(cfg: SSDConfig, n: number, sameImage: boolean): TrainBatch {
  const priors = buildPriors(cfg);
  const p = priors.length / 4;
  const s = cfg.INPUT.IMAGE_SIZE;
  const size = s * s * 3;
  const random = (seed: number) =>
    tf.tidy(() => tf.randomUniform([size], -100, 100, 'float32', seed).dataSync());
  const images = new Float32Array(n * size);
  const locations = new Float32Array(n * p * 4);
  const labels = new Int32Array(n * p);
  for (let i = 0; i < n; i++) {
    images.set(random(sameImage ? 7 : 7 + i), i * size);
    const [boxes, classes] = OBJECTS[i % OBJECTS.length]!;
    if (classes.length === 0) continue;
    const enc = matchAndEncode(Float32Array.from(boxes), Int32Array.from(classes), priors, cfg);
    locations.set(enc.locations, i * p * 4);
    labels.set(enc.labels, i * p);
  }
  return {
    iteration: 0,
    indices: Array.from({ length: n }, (_, i) => i),
    batchSize: n,
    imageSize: s,
    numPriors: p,
    images,
    locations,
    labels,
  };
}
