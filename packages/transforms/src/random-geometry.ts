import { type RowSource, resampleBilinear } from '@ssd/image';
import { dropEmptyBoxes, type LabelledBoxes } from './compose';
import { drawExpansion, EXPAND_MAX_RATIO, type Expansion, shiftBoxes } from './expand';
import { drawMirror, flipBoxes } from './mirror';
import { boxesToPercent } from './percent-coords';
import { cropBoxes, drawCrop } from './random-sample-crop';
import { CHANNELS, type Transform } from './sample';

/**
 * Rows of the final patch before resizing: the crop `[x1, x1 + width) × [y1, …)` of the expanded canvas
 * (image at `e.left, e.top`, `mean` elsewhere), mirrored if asked. Each row is built on demand, and only
 * at the columns the resampler reads, so a large canvas costs no more than the output.
 */
function patchRows(
  image: Float32Array,
  imageWidth: number,
  imageHeight: number,
  e: Expansion,
  x1: number,
  y1: number,
  width: number,
  mirrored: boolean,
  mean: readonly number[],
): RowSource {
  const data = new Float32Array(width * CHANNELS);
  const [m0, m1, m2] = mean;
  // Patch column j shows canvas column x1 + j (x1 + width − 1 − j when mirrored), i.e. image column j·dir + x0.
  const dir = mirrored ? -1 : 1;
  const x0 = (mirrored ? x1 + width - 1 : x1) - e.left;
  return {
    data,
    row(y: number, columns: Int32Array): number {
      const iy = y + y1 - e.top;
      const inside = iy >= 0 && iy < imageHeight;
      const rowStart = iy * imageWidth;
      for (let c = 0; c < columns.length; c++) {
        const j = columns[c];
        const ix = j * dir + x0;
        const d = j * CHANNELS;
        if (inside && ix >= 0 && ix < imageWidth) {
          const s = (rowStart + ix) * CHANNELS;
          data[d] = image[s];
          data[d + 1] = image[s + 1];
          data[d + 2] = image[s + 2];
        } else {
          data[d] = m0;
          data[d + 1] = m1;
          data[d + 2] = m2;
        }
      }
      return 0;
    },
  };
}

/**
 * Expand(mean), RandomSampleCrop, RandomMirror, ToPercentCoords and Resize(size) in one step: the same
 * draws and the same output as those five composed, but only the output pixels are computed — the
 * expanded canvas, the crop and the mirror image are never built.
 */
export function randomGeometry(
  mean: readonly number[],
  size: number,
  expandMaxRatio = EXPAND_MAX_RATIO,
): Transform {
  if (mean.length !== CHANNELS)
    throw new Error(`randomGeometry: mean needs ${CHANNELS} values, got ${mean.length}`);
  if (!(Number.isInteger(size) && size > 0)) {
    throw new Error(`randomGeometry: size must be a positive integer, got ${size}`);
  }
  return (sample, rng) => {
    const { image, width, height } = sample;
    // Each step's box changes, then the empty-box removal that compose does between steps.
    let kept: LabelledBoxes = sample;
    const e = drawExpansion(width, height, rng, expandMaxRatio) ?? { width, height, left: 0, top: 0 };
    shiftBoxes(kept.boxes, e.left, e.top);
    kept = dropEmptyBoxes(kept);
    const crop = drawCrop(e.width, e.height, kept.boxes, rng);
    if (crop) kept = dropEmptyBoxes(cropBoxes(kept.boxes, kept.labels, crop));
    const x1 = crop ? crop.x1 : 0;
    const y1 = crop ? crop.y1 : 0;
    const patchWidth = (crop ? crop.x2 : e.width) - x1;
    const patchHeight = (crop ? crop.y2 : e.height) - y1;
    const mirrored = drawMirror(rng);
    if (mirrored) flipBoxes(kept.boxes, patchWidth);
    kept = dropEmptyBoxes(kept);
    boxesToPercent(kept.boxes, patchWidth, patchHeight);
    kept = dropEmptyBoxes(kept);
    const rows = patchRows(image, width, height, e, x1, y1, patchWidth, mirrored, mean);
    const out = resampleBilinear(rows, patchWidth, patchHeight, size, size);
    return { image: out, width: size, height: size, boxes: kept.boxes, labels: kept.labels };
  };
}
