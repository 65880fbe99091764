/** tfjs's HWIO filter in the layout the flipped input-gradient convolution takes (OIHW: modeling's toTorchLayout). */
import type { ConvGeometry } from './geometry';

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
