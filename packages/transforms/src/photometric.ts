import type { Rng } from '@ssd/random';
import { jitterHsvInPlace, shiftHue } from './color';
import { CHANNELS, type ImageSample, type Transform } from './sample';

// The reference's defaults.
const BRIGHTNESS_DELTA = 32;
const CONTRAST_LOWER = 0.5;
const CONTRAST_UPPER = 1.5;
const SATURATION_LOWER = 0.5;
const SATURATION_UPPER = 1.5;
const HUE_DELTA = 18;

function checkRange(name: string, lower: number, upper: number): void {
  if (!(lower >= 0 && upper >= lower)) {
    throw new Error(`${name}: need 0 <= lower <= upper, got lower=${lower} upper=${upper}`);
  }
}

/** With probability 1/2 a factor uniform in [lower, upper), else 1 (the draws the reference makes). */
function drawFactor(rng: Rng, lower: number, upper: number): number {
  return rng.int(0, 2) ? rng.uniform(lower, upper) : 1;
}

/** With probability 1/2 an offset uniform in [−delta, delta), else 0. */
function drawOffset(rng: Rng, delta: number): number {
  return rng.int(0, 2) ? rng.uniform(-delta, delta) : 0;
}

/** RandomBrightness: with p 1/2 adds one offset from [−delta, delta) to every value (in place). */
export function randomBrightness(delta = BRIGHTNESS_DELTA): Transform {
  if (!(delta >= 0 && delta <= 255))
    throw new Error(`randomBrightness: delta must be in [0, 255], got ${delta}`);
  return (sample, rng) => {
    const offset = drawOffset(rng, delta);
    if (offset !== 0) {
      const d = sample.image;
      for (let i = 0; i < d.length; i++) d[i] += offset;
    }
    return sample;
  };
}

/** RandomContrast: with p 1/2 multiplies every value by one factor from [lower, upper) (in place). */
export function randomContrast(lower = CONTRAST_LOWER, upper = CONTRAST_UPPER): Transform {
  checkRange('randomContrast', lower, upper);
  return (sample, rng) => {
    const alpha = drawFactor(rng, lower, upper);
    if (alpha !== 1) {
      const d = sample.image;
      for (let i = 0; i < d.length; i++) d[i] *= alpha;
    }
    return sample;
  };
}

/** RandomSaturation on an HSV image: with p 1/2 scales S by one factor from [lower, upper) (in place). */
export function randomSaturation(lower = SATURATION_LOWER, upper = SATURATION_UPPER): Transform {
  checkRange('randomSaturation', lower, upper);
  return (sample, rng) => {
    const scale = drawFactor(rng, lower, upper);
    const d = sample.image;
    for (let i = 1; i < d.length; i += CHANNELS) d[i] *= scale;
    return sample;
  };
}

/** RandomHue on an HSV image: with p 1/2 shifts H by one offset from [−delta, delta) degrees, wrapped. */
export function randomHue(delta = HUE_DELTA): Transform {
  if (!(delta >= 0 && delta <= 360)) throw new Error(`randomHue: delta must be in [0, 360], got ${delta}`);
  return (sample, rng) => {
    const offset = drawOffset(rng, delta);
    const d = sample.image;
    for (let i = 0; i < d.length; i += CHANNELS) d[i] = shiftHue(d[i], offset);
    return sample;
  };
}

/** The six channel orders RandomLightingNoise picks from. */
export const CHANNEL_PERMUTATIONS: readonly (readonly [number, number, number])[] = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

/** RandomLightingNoise: with p 1/2 reorders the channels by one of the six permutations (in place). */
export function randomLightingNoise(): Transform {
  return (sample, rng) => {
    if (!rng.int(0, 2)) return sample;
    const [a, b, c] = CHANNEL_PERMUTATIONS[rng.int(0, CHANNEL_PERMUTATIONS.length)];
    const d = sample.image;
    for (let i = 0; i < d.length; i += CHANNELS) {
      const x = d[i + a];
      const y = d[i + b];
      const z = d[i + c];
      d[i] = x;
      d[i + 1] = y;
      d[i + 2] = z;
    }
    return sample;
  };
}

/**
 * PhotometricDistort, with the reference's order and probabilities: brightness; then either
 * contrast → HSV (saturation, hue) → RGB or HSV (saturation, hue) → RGB → contrast, chosen with p 1/2;
 * then the channel swap. The HSV leg (conversion, saturation, hue, conversion back) runs as one pass.
 * Works in place on the sample's image.
 */
export function photometricDistort(): Transform {
  const brightness = randomBrightness();
  const contrast = randomContrast();
  const lightingNoise = randomLightingNoise();
  const hsvLeg = (sample: ImageSample, rng: Rng): ImageSample => {
    // Draw in the reference's order: saturation, then hue.
    const saturationScale = drawFactor(rng, SATURATION_LOWER, SATURATION_UPPER);
    const hueDelta = drawOffset(rng, HUE_DELTA);
    jitterHsvInPlace(sample.image, saturationScale, hueDelta);
    return sample;
  };
  return (sample, rng) => {
    let s = brightness(sample, rng);
    s = rng.int(0, 2) ? hsvLeg(contrast(s, rng), rng) : contrast(hsvLeg(s, rng), rng);
    return lightingNoise(s, rng);
  };
}
