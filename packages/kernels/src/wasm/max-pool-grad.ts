import { backend_util, type KernelFunc, type MaxPoolGradAttrs } from '@tensorflow/tfjs-core';
import { opsKernel } from '../ops-kernel';
import { floats, tensorFilledBy } from './heap';

/**
 * Adds each output's gradient g to dx at the first maximum of its window in x (row-major, as TensorFlow and
 * the pure-JS backend pick it). Channels are the inner loop, so x is walked contiguously.
 */
function routeToMaxima(
  info: backend_util.Conv2DInfo,
  x: Float32Array,
  g: Float32Array,
  dx: Float32Array,
): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, padInfo } = info;
  const best = new Float32Array(c);
  const bestAt = new Int32Array(c);
  for (let b = 0; b < batchSize; b++) {
    const image = b * inHeight * inWidth * c;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * info.strideHeight - padInfo.top;
      const yStart = Math.max(y0, 0);
      const yEnd = Math.min(y0 + info.filterHeight, inHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * info.strideWidth - padInfo.left;
        const xStart = Math.max(x0, 0);
        const xEnd = Math.min(x0 + info.filterWidth, inWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        bestAt.fill(-1);
        for (let y = yStart; y < yEnd; y++) {
          for (let xx = xStart; xx < xEnd; xx++) {
            const at = image + (y * inWidth + xx) * c;
            for (let ch = 0; ch < c; ch++) {
              if (x[at + ch]! > best[ch]! || bestAt[ch] === -1) {
                best[ch] = x[at + ch]!;
                bestAt[ch] = at + ch;
              }
            }
          }
        }
        const grad = ((b * outHeight + oy) * outWidth + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          if (bestAt[ch]! >= 0) dx[bestAt[ch]!]! += g[grad + ch]!;
        }
      }
    }
  }
}

/**
 * MaxPoolGrad in plain JS over views of wasm's heap (no copies in or out). Replaces the wasm kernel, which
 * routes gradients to wrong cells when windows overlap or channels > 1 (tfjs-backend-wasm 4.22.0).
 */
export const maxPoolGrad: KernelFunc = opsKernel(({ dy, input }, attrs) => {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(
    input!.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  return tensorFilledBy(input!.shape, (dx) => routeToMaxima(info, floats(input!), floats(dy!), dx));
});
