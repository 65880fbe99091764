/** Test models: a reference config's detector with seeded random weights, every vector randomised too. */
import { loadConfig, type SSDConfig } from '@ssd/config';
import { SSDDetector } from '@ssd/modeling';
import { Rng } from '@ssd/random';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The detector of `config` (a shipped config name) with seeded weights. BatchNorm statistics, scales and every
 * bias are drawn at random as well, so that a wrongly mapped vector changes the outputs (at init they are 0 and 1).
 */
export function randomDetector(config: string, overrides: string[] = [], seed = 7): SSDDetector {
  const cfg: SSDConfig = loadConfig(config, overrides);
  const model = new SSDDetector(cfg, { seed });
  const rng = new Rng(seed);
  const draw: Array<[RegExp, number, number]> = [
    [/running_var$/, 0.5, 1.5],
    [/running_mean$|bias$/, -0.2, 0.2],
    [/weight$/, 0.5, 1.5],
  ];
  for (const [name, variable] of model.stateDict()) {
    if (variable.rank !== 1) continue;
    const range = draw.find(([pattern]) => pattern.test(name));
    if (range) variable.assign(tf.tensor1d(rng.uniformValues(variable.size, range[1], range[2])));
  }
  return model;
}

/** Seeded mean-subtracted NHWC images [n, size, size, 3] with pixel-like values. */
export function randomImages(n: number, size: number, seed = 11): tf.Tensor4D {
  const values = new Rng(seed).uniformValues(n * size * size * 3, -120, 130);
  return tf.tensor4d(values, [n, size, size, 3]);
}
