import { decodeCenterSize, NUMBER_ARITHMETIC } from './box-decoding';
import { checkBoxes } from './box-forms';

function checkPairing(boxes: Float32Array, priors: Float32Array, fn: string): number {
  checkBoxes(boxes, `${fn} boxes`);
  checkBoxes(priors, `${fn} priorsCenter`);
  if (priors.length === 0 || boxes.length % priors.length !== 0) {
    throw new Error(
      `${fn}: ${boxes.length / 4} rows do not tile ${priors.length / 4} priors (expected a multiple)`,
    );
  }
  return priors.length;
}

/**
 * Encodes center-form boxes as SSD regression targets against center-form priors. `centerBoxes` may
 * hold several images' rows back to back (`N × numPriors × 4`); the priors repeat for each.
 */
export function encodeLocations(
  centerBoxes: Float32Array,
  priorsCenter: Float32Array,
  centerVariance: number,
  sizeVariance: number,
): Float32Array {
  const period = checkPairing(centerBoxes, priorsCenter, 'encodeLocations');
  const out = new Float32Array(centerBoxes.length);
  for (let i = 0; i < centerBoxes.length; i += 4) {
    const p = i % period;
    const pw = priorsCenter[p + 2];
    const ph = priorsCenter[p + 3];
    out[i] = (centerBoxes[i] - priorsCenter[p]) / pw / centerVariance;
    out[i + 1] = (centerBoxes[i + 1] - priorsCenter[p + 1]) / ph / centerVariance;
    out[i + 2] = Math.log(centerBoxes[i + 2] / pw) / sizeVariance;
    out[i + 3] = Math.log(centerBoxes[i + 3] / ph) / sizeVariance;
  }
  return out;
}

/** Inverse of `encodeLocations`: regression outputs → center-form boxes (relative coordinates), by `decodeCenterSize`. */
export function decodeLocations(
  locations: Float32Array,
  priorsCenter: Float32Array,
  centerVariance: number,
  sizeVariance: number,
): Float32Array {
  const period = checkPairing(locations, priorsCenter, 'decodeLocations');
  const out = new Float32Array(locations.length);
  for (let i = 0; i < locations.length; i += 4) {
    const p = i % period;
    for (let axis = 0; axis < 2; axis++) {
      const box = decodeCenterSize(
        NUMBER_ARITHMETIC,
        { center: locations[i + axis], size: locations[i + 2 + axis] },
        { center: priorsCenter[p + axis], size: priorsCenter[p + 2 + axis] },
        centerVariance,
        sizeVariance,
      );
      out[i + axis] = box.center;
      out[i + 2 + axis] = box.size;
    }
  }
  return out;
}
