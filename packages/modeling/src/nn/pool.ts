/** nn.MaxPool2d with PyTorch's padding and ceil_mode semantics. */
import * as tf from '@tensorflow/tfjs-core';
import type { Module } from './module';

/** Construction options; defaults are PyTorch's. */
export interface MaxPool2dOptions {
  readonly kernelSize: number;
  /** Defaults to `kernelSize`. */
  readonly stride?: number;
  /** Implicit -inf padding on every side. */
  readonly padding?: number;
  /** Round the output size up, letting the last window hang over the bottom/right edge. */
  readonly ceilMode?: boolean;
}

/** PyTorch's pooled output length for one spatial axis. */
export function pooledSize(
  size: number,
  kernel: number,
  stride: number,
  padding: number,
  ceilMode: boolean,
): number {
  const span = size + 2 * padding - kernel;
  let out = Math.floor((ceilMode ? span + stride - 1 : span) / stride) + 1;
  // PyTorch drops a ceil-mode window that would start inside the right padding.
  if (ceilMode && (out - 1) * stride >= size + padding) out--;
  return out;
}

/**
 * Pads with -inf (so padded cells never win) up to exactly the extent PyTorch's windows cover, then pools
 * with 'valid' padding: this reproduces padding and ceil_mode on every backend and keeps tfjs's gradient.
 */
export class MaxPool2d implements Module {
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  readonly ceilMode: boolean;

  constructor(opts: MaxPool2dOptions) {
    this.kernel = opts.kernelSize;
    this.stride = opts.stride ?? opts.kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
  }

  /**
   * The -inf padding [top, bottom, left, right] after which 'valid' pooling gives PyTorch's windows; a floor-mode
   * window that stops short of the edge needs none (the rest is ignored).
   */
  windowPadding(height: number, width: number): [number, number, number, number] {
    const p = this.padding;
    const extra = (size: number) =>
      (pooledSize(size, this.kernel, this.stride, p, this.ceilMode) - 1) * this.stride +
      this.kernel -
      (size + 2 * p);
    return [p, p + Math.max(extra(height), 0), p, p + Math.max(extra(width), 0)];
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    const [top, bottom, left, right] = this.windowPadding(x.shape[1], x.shape[2]);
    const padded =
      top + bottom + left + right === 0
        ? x
        : tf.pad(
            x,
            [
              [0, 0],
              [top, bottom],
              [left, right],
              [0, 0],
            ],
            Number.NEGATIVE_INFINITY,
          );
    return tf.maxPool(padded, this.kernel, this.stride, 'valid');
  }
}
