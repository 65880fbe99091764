// Deterministic synthetic detection data for the benchmark and the randomised tests.
import { Rng } from '@ssd/random';
import type { ImageGroundTruth, ImagePredictions } from '../src';

/** Settings of a synthetic data set. */
export interface SyntheticOptions {
  seed: number;
  numImages: number;
  /** Including background: class ids run 1 .. numClasses - 1. */
  numClasses: number;
  /** Objects per image are uniform in 0 .. maxObjects. */
  maxObjects: number;
  /** Pad every image with random false positives up to this many detections (else 0–7 of them). */
  detsPerImage?: number;
  /** Scores are rounded to this many levels, so equal scores (ties) occur. */
  scoreLevels: number;
}

/**
 * Objects of all sizes (about 5% crowd, 10% difficult), detections as jittered copies of them (some
 * with the wrong class) plus random boxes; image ids are a permutation of 0..n-1 in shuffled order.
 */
export function syntheticDetections(options: SyntheticOptions): {
  groundTruth: ImageGroundTruth[];
  predictions: ImagePredictions[];
} {
  const { numImages, numClasses, maxObjects, detsPerImage, scoreLevels } = options;
  const rng = new Rng(options.seed);
  const rand = () => rng.next();
  const randomClass = () => 1 + Math.floor(rand() * (numClasses - 1));
  const score = () => Math.round(rand() * scoreLevels) / scoreLevels;
  const groundTruth: ImageGroundTruth[] = [];
  const predictions: ImagePredictions[] = [];
  const imageIds = Array.from({ length: numImages }, (_, i) => i);
  for (let i = numImages - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [imageIds[i], imageIds[j]] = [imageIds[j], imageIds[i]];
  }
  for (let i = 0; i < numImages; i++) {
    const boxes: number[] = [];
    const labels: number[] = [];
    const iscrowd: number[] = [];
    const difficult: number[] = [];
    const numObjects = Math.floor(rand() * (maxObjects + 1));
    for (let j = 0; j < numObjects; j++) {
      const size = 8 + rand() * 150;
      const x = rand() * 400;
      const y = rand() * 400;
      boxes.push(x, y, x + size * (0.5 + rand()), y + size * (0.5 + rand()));
      labels.push(randomClass());
      iscrowd.push(rand() < 0.05 ? 1 : 0);
      difficult.push(rand() < 0.1 ? 1 : 0);
    }
    const pBoxes: number[] = [];
    const pLabels: number[] = [];
    const pScores: number[] = [];
    for (let j = 0; j < numObjects; j++) {
      const w = boxes[4 * j + 2] - boxes[4 * j];
      const h = boxes[4 * j + 3] - boxes[4 * j + 1];
      for (let copies = Math.floor(rand() * 3); copies > 0; copies--) {
        const jitter = () => (rand() - 0.5) * 0.4;
        pBoxes.push(
          boxes[4 * j] + jitter() * w,
          boxes[4 * j + 1] + jitter() * h,
          boxes[4 * j + 2] + jitter() * w,
          boxes[4 * j + 3] + jitter() * h,
        );
        pLabels.push(rand() < 0.85 ? labels[j] : randomClass());
        pScores.push(score());
      }
    }
    const target = detsPerImage ?? pLabels.length + Math.floor(rand() * 8);
    while (pLabels.length < target) {
      const x = rand() * 400;
      const y = rand() * 400;
      pBoxes.push(x, y, x + 5 + rand() * 120, y + 5 + rand() * 120);
      pLabels.push(randomClass());
      pScores.push(score());
    }
    groundTruth.push({ imageId: imageIds[i], boxes, labels, iscrowd, difficult });
    predictions.push({
      boxes: pBoxes.slice(0, 4 * target),
      labels: pLabels.slice(0, target),
      scores: pScores.slice(0, target),
    });
  }
  return { groundTruth, predictions };
}
