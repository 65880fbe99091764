import { resizeBilinear } from '@ssd/image';
import type { EntryTransform } from './sample';

/** Resize: the image scaled to `size × size` (bilinear, aspect ratio not kept; relative boxes need no change). */
export function resize(size: number): EntryTransform {
  if (!(Number.isInteger(size) && size > 0))
    throw new Error(`resize: size must be a positive integer, got ${size}`);
  return (sample) => ({
    ...sample,
    image: resizeBilinear(sample.image, sample.width, sample.height, size, size),
    width: size,
    height: size,
  });
}
