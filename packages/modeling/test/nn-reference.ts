// Straightforward NCHW loops written from PyTorch's definitions, used as independent references in tests.
import { Rng } from '@ssd/random';

/** Deterministic values in [-1, 1) for test inputs. */
export function seededValues(n: number, seed: number): Float32Array {
  return new Rng(seed).uniformValues(n, -1, 1);
}

export interface ConvParams {
  stride: number;
  pad: [number, number, number, number]; // top, bottom, left, right
  dilation: number;
  groups: number;
}

/** PyTorch conv2d on NCHW data with OIHW weight [O, I/groups, kh, kw]. */
export function convNCHW(
  x: Float32Array,
  [n, c, h, w]: number[],
  weight: Float32Array,
  [o, ig, kh, kw]: number[],
  bias: Float32Array | null,
  p: ConvParams,
): { data: Float32Array; shape: number[] } {
  const [pt, pb, pl, pr] = p.pad;
  const oh = Math.floor((h + pt + pb - p.dilation * (kh - 1) - 1) / p.stride) + 1;
  const ow = Math.floor((w + pl + pr - p.dilation * (kw - 1) - 1) / p.stride) + 1;
  const out = new Float32Array(n * o * oh * ow);
  const outPerGroup = o / p.groups;
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < o; oc++) {
      const g = Math.floor(oc / outPerGroup);
      for (let y = 0; y < oh; y++)
        for (let xx = 0; xx < ow; xx++) {
          let acc = bias ? bias[oc] : 0;
          for (let ic = 0; ic < ig; ic++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = y * p.stride - pt + ky * p.dilation;
                const ix = xx * p.stride - pl + kx * p.dilation;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                const cin = g * ig + ic;
                acc += x[((b * c + cin) * h + iy) * w + ix] * weight[((oc * ig + ic) * kh + ky) * kw + kx];
              }
          out[((b * o + oc) * oh + y) * ow + xx] = acc;
        }
    }
  return { data: out, shape: [n, o, oh, ow] };
}

/** PyTorch max_pool2d (implicit -inf padding, optional ceil mode) on NCHW data. */
export function maxPoolNCHW(
  x: Float32Array,
  [n, c, h, w]: number[],
  k: number,
  stride: number,
  pad: number,
  ceil: boolean,
): { data: Float32Array; shape: number[] } {
  const size = (len: number) => {
    let o = Math.floor((len + 2 * pad - k + (ceil ? stride - 1 : 0)) / stride) + 1;
    if (ceil && (o - 1) * stride >= len + pad) o--;
    return o;
  };
  const oh = size(h);
  const ow = size(w);
  const out = new Float32Array(n * c * oh * ow);
  for (let b = 0; b < n * c; b++)
    for (let y = 0; y < oh; y++)
      for (let xx = 0; xx < ow; xx++) {
        let m = Number.NEGATIVE_INFINITY;
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++) {
            const iy = y * stride - pad + ky;
            const ix = xx * stride - pad + kx;
            if (iy >= 0 && iy < h && ix >= 0 && ix < w) m = Math.max(m, x[(b * h + iy) * w + ix]);
          }
        out[(b * oh + y) * ow + xx] = m;
      }
  return { data: out, shape: [n, c, oh, ow] };
}

/** NCHW → NHWC copy. */
export function nchwToNhwc(x: Float32Array, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++)
          out[((b * h + y) * w + xx) * c + ch] = x[((b * c + ch) * h + y) * w + xx];
  return out;
}

/** Largest |a - b| over two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
