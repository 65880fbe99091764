import {
  backend_util,
  type KernelBackend,
  type KernelFunc,
  type MaxPoolGradAttrs,
} from '@tensorflow/tfjs-core';

/**
 * MaxPoolGrad in plain JS: each output's gradient goes to the first maximum of its window (row-major, as
 * TensorFlow and the pure-JS backend pick it). Replaces the wasm kernel, which routes gradients to wrong
 * cells when windows overlap or channels > 1 (tfjs-backend-wasm 4.22.0). Channels are the inner loop, so
 * the input is walked contiguously.
 */
export const maxPoolGrad: KernelFunc = ({ inputs, attrs, backend }) => {
  const kernelBackend = backend as KernelBackend;
  const { dy, input } = inputs;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(
    input!.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, padInfo } = info;
  const x = kernelBackend.readSync(input!.dataId) as Float32Array;
  const g = kernelBackend.readSync(dy!.dataId) as Float32Array;
  const dx = new Float32Array(x.length);
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
              if (x[at + ch] > best[ch] || bestAt[ch] === -1) {
                best[ch] = x[at + ch];
                bestAt[ch] = at + ch;
              }
            }
          }
        }
        const grad = ((b * outHeight + oy) * outWidth + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          if (bestAt[ch] >= 0) dx[bestAt[ch]] += g[grad + ch];
        }
      }
    }
  }
  return { dataId: kernelBackend.write(dx, input!.shape, 'float32'), shape: input!.shape, dtype: 'float32' };
};
