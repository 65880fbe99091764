/** tfjs's HWIO filters in the layouts ONNX's Conv and the flipped input-gradient convolution take. */
import type { ConvGeometry } from './geometry';

/** HWIO → OIHW into `out`: out[o][c][i][j] = w[i][j][c][o]. */
export function toOIHW(g: ConvGeometry, w: Float32Array, out: Float32Array): void {
  const { filterHeight: kh, filterWidth: kw, inChannels: C, outChannels: O } = g;
  const taps = kh * kw;
  for (let t = 0; t < taps; t++) {
    for (let c = 0; c < C; c++) {
      const from = (t * C + c) * O;
      for (let o = 0; o < O; o++) out[(o * C + c) * taps + t] = w[from + o]!;
    }
  }
}

/**
 * HWIO → the input gradient's filter [C, O, kh, kw], spatially flipped into `out`:
 * out[c][o][kh-1-i][kw-1-j] = w[i][j][c][o] (dx is dy convolved with it).
 */
export function toFlippedCOHW(g: ConvGeometry, w: Float32Array, out: Float32Array): void {
  const { filterHeight: kh, filterWidth: kw, inChannels: C, outChannels: O } = g;
  const taps = kh * kw;
  for (let t = 0; t < taps; t++) {
    const flipped = taps - 1 - t; // (kh-1-i)·kw + (kw-1-j) = kh·kw - 1 - (i·kw + j)
    for (let c = 0; c < C; c++) {
      const from = (t * C + c) * O;
      const to = c * O * taps + flipped;
      for (let o = 0; o < O; o++) out[to + o * taps] = w[from + o]!;
    }
  }
}
