/** Images are RGB, three interleaved channels per pixel (HWC, rows top to bottom). */
export const CHANNELS = 3;

/** Pixel storage: 8-bit as decoded, or float once converted. */
export type PixelArray = Uint8Array | Float32Array;

/** A new float image: `src` with the per-channel `mean` (RGB) subtracted from every pixel. */
export function subtractMean(src: PixelArray, mean: readonly number[]): Float32Array {
  if (mean.length !== CHANNELS)
    throw new Error(`subtractMean: mean needs ${CHANNELS} values, got ${mean.length}`);
  const [m0, m1, m2] = mean;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i += CHANNELS) {
    out[i] = src[i] - m0;
    out[i + 1] = src[i + 1] - m1;
    out[i + 2] = src[i + 2] - m2;
  }
  return out;
}
