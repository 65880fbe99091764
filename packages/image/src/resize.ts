import { CHANNELS, type PixelArray } from './pixels';

/** OpenCV's fixed-point scale for 8-bit interpolation weights (INTER_RESIZE_COEF_BITS = 11). */
const COEF_SCALE = 2048;

/** Per output column (or row): the two source offsets it blends and the weight of each, float and fixed-point. */
interface Taps {
  first: Int32Array;
  second: Int32Array;
  w0: Float32Array;
  w1: Float32Array;
  fixed0: Int32Array;
  fixed1: Int32Array;
}

/** Round half to even, as OpenCV's cvRound does. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Bilinear taps with half-pixel centres, clamped at the edges, computed in float32 the way
 * cv2.resize(INTER_LINEAR) does; `stride` turns source indices into array offsets.
 */
function linearTaps(srcSize: number, dstSize: number, stride: number): Taps {
  const scale = 1 / (dstSize / srcSize);
  const taps: Taps = {
    first: new Int32Array(dstSize),
    second: new Int32Array(dstSize),
    w0: new Float32Array(dstSize),
    w1: new Float32Array(dstSize),
    fixed0: new Int32Array(dstSize),
    fixed1: new Int32Array(dstSize),
  };
  for (let d = 0; d < dstSize; d++) {
    const pos = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(pos);
    let f = Math.fround(pos - s);
    if (s < 0) {
      s = 0;
      f = 0;
    }
    if (s >= srcSize - 1) {
      s = srcSize - 1;
      f = 0;
    }
    taps.first[d] = s * stride;
    taps.second[d] = Math.min(s + 1, srcSize - 1) * stride;
    taps.w0[d] = 1 - f;
    taps.w1[d] = f;
    taps.fixed0[d] = roundHalfEven(taps.w0[d] * COEF_SCALE);
    taps.fixed1[d] = roundHalfEven(f * COEF_SCALE);
  }
  return taps;
}

/** One source row resized horizontally, in float. */
function resizeRowFloat(src: PixelArray, rowStart: number, xs: Taps, out: Float32Array): void {
  const { first, second, w0, w1 } = xs;
  for (let x = 0, o = 0; x < first.length; x++, o += CHANNELS) {
    const a = rowStart + first[x];
    const b = rowStart + second[x];
    const p = w0[x];
    const q = w1[x];
    out[o] = src[a] * p + src[b] * q;
    out[o + 1] = src[a + 1] * p + src[b + 1] * q;
    out[o + 2] = src[a + 2] * p + src[b + 2] * q;
  }
}

/** One 8-bit source row resized horizontally with fixed-point weights (values × 2048). */
function resizeRowFixed(src: PixelArray, rowStart: number, xs: Taps, out: Int32Array): void {
  const { first, second, fixed0, fixed1 } = xs;
  for (let x = 0, o = 0; x < first.length; x++, o += CHANNELS) {
    const a = rowStart + first[x];
    const b = rowStart + second[x];
    const p = fixed0[x];
    const q = fixed1[x];
    out[o] = src[a] * p + src[b] * q;
    out[o + 1] = src[a + 1] * p + src[b + 1] * q;
    out[o + 2] = src[a + 2] * p + src[b + 2] * q;
  }
}

/**
 * Where a resampler reads source rows: `row(y, columns)` returns the index in `data` at which row `y`
 * (`width × 3` values) starts. A source may build each row on demand in a scratch `data`: rows are read
 * right after `row` returns, one at a time, and only at the pixel `columns` listed (ascending).
 */
export interface RowSource {
  readonly data: PixelArray;
  row(y: number, columns: Int32Array): number;
}

/** The source columns the taps read, ascending, each once. */
function columnsRead(xs: Taps, width: number): Int32Array {
  const used = new Uint8Array(width);
  for (let x = 0; x < xs.first.length; x++) {
    used[xs.first[x] / CHANNELS] = 1;
    used[xs.second[x] / CHANNELS] = 1;
  }
  const columns: number[] = [];
  for (let c = 0; c < width; c++) if (used[c]) columns.push(c);
  return Int32Array.from(columns);
}

function checkSize(what: string, width: number, height: number): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new Error(`resizeBilinear: ${what} size must be positive integers, got ${width}×${height}`);
  }
}

/**
 * Bilinear resampling like cv2.resize(INTER_LINEAR) from a `width × height` source given row by row:
 * half-pixel centres, edge clamping, no antialiasing. Float sources are interpolated in float; 8-bit ones
 * with OpenCV's 11-bit fixed-point weights and rounding, giving the integer levels the reference's 8-bit
 * resize gives (returned as floats).
 */
export function resampleBilinear(
  source: RowSource,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  checkSize('source', width, height);
  checkSize('output', outWidth, outHeight);
  const xs = linearTaps(width, outWidth, CHANNELS);
  const ys = linearTaps(height, outHeight, 1);
  const columns = columnsRead(xs, width);
  const rowLength = outWidth * CHANNELS;
  const out = new Float32Array(outHeight * rowLength);
  const src = source.data;
  const eightBit = src instanceof Uint8Array;
  // Two horizontally resized source rows, reused while consecutive output rows share them.
  let rowA: Float32Array | Int32Array = eightBit ? new Int32Array(rowLength) : new Float32Array(rowLength);
  let rowB: Float32Array | Int32Array = eightBit ? new Int32Array(rowLength) : new Float32Array(rowLength);
  let indexA = -1;
  let indexB = -1;
  const fill = (y: number, row: Float32Array | Int32Array): void => {
    const start = source.row(y, columns);
    if (eightBit) resizeRowFixed(src, start, xs, row as Int32Array);
    else resizeRowFloat(src, start, xs, row as Float32Array);
  };
  for (let y = 0; y < outHeight; y++) {
    const y0 = ys.first[y];
    const y1 = ys.second[y];
    if (y0 !== indexA) {
      if (y0 === indexB) {
        [rowA, rowB] = [rowB, rowA];
        [indexA, indexB] = [indexB, indexA];
      } else {
        fill(y0, rowA);
        indexA = y0;
      }
    }
    if (y1 !== indexB) {
      fill(y1, rowB);
      indexB = y1;
    }
    const o = y * rowLength;
    if (eightBit) {
      // OpenCV's SIMD vertical pass: drop 4 bits, multiply-high by the 11-bit weight, round off 2 bits.
      const p = ys.fixed0[y];
      const q = ys.fixed1[y];
      for (let i = 0; i < rowLength; i++) {
        const v = ((((rowA[i] >> 4) * p) >> 16) + (((rowB[i] >> 4) * q) >> 16) + 2) >> 2;
        // Saturates like OpenCV's pack (v is never negative: every term is).
        out[o + i] = Math.min(v, 255);
      }
    } else {
      const p = ys.w0[y];
      const q = ys.w1[y];
      for (let i = 0; i < rowLength; i++) out[o + i] = rowA[i] * p + rowB[i] * q;
    }
  }
  return out;
}

/** `resampleBilinear` of a whole HWC RGB image held in one array. */
export function resizeBilinear(
  src: PixelArray,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  checkSize('source', width, height);
  if (src.length !== width * height * CHANNELS) {
    throw new Error(
      `resizeBilinear: image has ${src.length} values, expected ${width}×${height}×${CHANNELS}`,
    );
  }
  const rowLength = width * CHANNELS;
  return resampleBilinear({ data: src, row: (y) => y * rowLength }, width, height, outWidth, outHeight);
}
