import type { backend_util } from '@tensorflow/tfjs-core';

/** Side of the square tiles the transpose walks, so that both its reads and its writes stay in cache. */
const TILE = 32;

/** NHWC data viewed as [pixels, channels], transposed into `out` as [channels, pixels] (tile by tile). */
export function channelsFirst(x: Float32Array, pixels: number, channels: number, out: Float32Array): void {
  for (let p0 = 0; p0 < pixels; p0 += TILE) {
    const p1 = Math.min(p0 + TILE, pixels);
    for (let c0 = 0; c0 < channels; c0 += TILE) {
      const c1 = Math.min(c0 + TILE, channels);
      for (let c = c0; c < c1; c++) {
        const row = c * pixels;
        for (let p = p0; p < p1; p++) out[row + p] = x[p * channels + c]!;
      }
    }
  }
}

/**
 * Fills `out` with the patch matrix of output rows [first, first + rows) of the convolution `info`, counted
 * over the whole batch (row g is image ⌊g / outHeight⌋, row g mod outHeight): entry [(ky·kw + kx)·inC + c, p]
 * is the input pixel that filter tap (ky, kx) of channel c meets at output pixel p of those rows (0 in the
 * padding). `xT` is the input channels-first, [inC, batch·inH·inW]. Each input row segment is one copy.
 */
export function patchMatrixRows(
  xT: Float32Array,
  info: backend_util.Conv2DInfo,
  first: number,
  rows: number,
  out: Float32Array,
): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const pixels = rows * outWidth;
  const planeSize = info.batchSize * inHeight * inWidth;
  for (let ky = 0; ky < info.filterHeight; ky++) {
    for (let kx = 0; kx < info.filterWidth; kx++) {
      // Output columns whose tap lands inside the input: ox·sw + kx - left in [0, inWidth).
      const shift = kx - left;
      const oxStart = Math.min(Math.max(Math.ceil(-shift / strideWidth), 0), outWidth);
      const oxEnd = Math.max(Math.min(Math.ceil((inWidth - shift) / strideWidth), outWidth), oxStart);
      for (let c = 0; c < inChannels; c++) {
        const dest = ((ky * info.filterWidth + kx) * inChannels + c) * pixels;
        const plane = c * planeSize;
        for (let r = 0; r < rows; r++) {
          const g = first + r;
          const image = Math.floor(g / outHeight);
          const iy = (g - image * outHeight) * strideHeight + ky - top;
          const at = dest + r * outWidth;
          if (iy < 0 || iy >= inHeight) {
            out.fill(0, at, at + outWidth);
            continue;
          }
          out.fill(0, at, at + oxStart);
          out.fill(0, at + oxEnd, at + outWidth);
          const src = plane + (image * inHeight + iy) * inWidth + shift;
          if (strideWidth === 1) {
            out.set(xT.subarray(src + oxStart, src + oxEnd), at + oxStart);
          } else {
            for (let ox = oxStart; ox < oxEnd; ox++) out[at + ox] = xT[src + ox * strideWidth]!;
          }
        }
      }
    }
  }
}
