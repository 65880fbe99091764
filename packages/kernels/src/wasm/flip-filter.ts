import type * as tf from '@tensorflow/tfjs-core';
import { floats, tensorFilledBy } from './heap';

/**
 * A conv filter [kh, kw, a, b] turned by 180° in space with its channel axes swapped, [kh, kw, b, a]: the filter
 * of a transposed convolution. Plain JS over views of the backend's memory (wasm): wasm's Reverse walks each
 * element through an index computation, about 6× slower than this for VGG's 3×3×512×1024 filter.
 */
export function flippedSwappedFilter(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, a, b] = filter.shape;
  const block = a * b;
  return tensorFilledBy([kh, kw, b, a], (out) => {
    const src = floats(filter);
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const from = ((kh - 1 - ky) * kw + (kw - 1 - kx)) * block;
        const to = (ky * kw + kx) * block;
        for (let i = 0; i < a; i++) {
          const row = from + i * b;
          for (let j = 0; j < b; j++) out[to + j * a + i] = src[row + j]!;
        }
      }
    }
  }) as tf.Tensor4D;
}
