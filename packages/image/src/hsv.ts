/** Pixels the colour conversions work on in place: float32 images, or float64 scratch for single colours. */
export type FloatArray = Float32Array | Float64Array;

/** float32's machine epsilon, which OpenCV adds to keep its HSV divisions finite. */
const FLT_EPSILON = 1.1920928955078125e-7;

/**
 * OpenCV's float RGB→HSV (cv2.cvtColor COLOR_RGB2HSV on float32) on the pixel at offset `i`, in place:
 * H in degrees [0, 360], S = (max − min) / |max|, V = max. Works on any value range, negatives included,
 * because the augmentation runs it on brightness-shifted pixels.
 */
export function rgbToHsvAt(d: FloatArray, i: number): void {
  const r = d[i];
  const g = d[i + 1];
  const b = d[i + 2];
  let v = r;
  if (v < g) v = g;
  if (v < b) v = b;
  let vmin = r;
  if (vmin > g) vmin = g;
  if (vmin > b) vmin = b;
  const diff = v - vmin;
  const s = diff / (Math.abs(v) + FLT_EPSILON);
  const k = 60 / (diff + FLT_EPSILON);
  // Ties resolve in this order (red, then green), as in OpenCV.
  let h: number;
  if (v === r) h = (g - b) * k;
  else if (v === g) h = (b - r) * k + 120;
  else h = (r - g) * k + 240;
  if (h < 0) h += 360;
  d[i] = h;
  d[i + 1] = s;
  d[i + 2] = v;
}

/** OpenCV's float HSV→RGB (COLOR_HSV2RGB) on the pixel at offset `i`, in place; inverse of `rgbToHsvAt`. */
export function hsvToRgbAt(d: FloatArray, i: number): void {
  const s = d[i + 1];
  const v = d[i + 2];
  if (s === 0) {
    d[i] = v;
    d[i + 1] = v;
    return;
  }
  let h = d[i] * (6 / 360);
  // Wrap into [0, 6); a closed form rather than OpenCV's loop, so an infinite hue cannot hang.
  if (h < 0 || h >= 6) h -= 6 * Math.floor(h / 6);
  let sector = Math.floor(h);
  h -= sector;
  if (!(sector >= 0 && sector < 6)) {
    sector = 0;
    h = 0;
  }
  const p = v * (1 - s);
  const q = v * (1 - s * h);
  const t = v * (1 - s * (1 - h));
  let r: number;
  let g: number;
  let b: number;
  switch (sector) {
    case 0:
      r = v;
      g = t;
      b = p;
      break;
    case 1:
      r = q;
      g = v;
      b = p;
      break;
    case 2:
      r = p;
      g = v;
      b = t;
      break;
    case 3:
      r = p;
      g = q;
      b = v;
      break;
    case 4:
      r = t;
      g = p;
      b = v;
      break;
    default:
      r = v;
      g = p;
      b = q;
  }
  d[i] = r;
  d[i + 1] = g;
  d[i + 2] = b;
}

const scratch = new Float64Array(3);

/**
 * One HSV colour (hue in degrees, any value, wrapped; saturation and value in [0, 1]) as RGB in [0, 1]: the
 * conversion `hsvToRgbAt` does, for palettes and synthetic images.
 */
export function hsvToRgb(hue: number, saturation: number, value: number): [number, number, number] {
  scratch[0] = hue;
  scratch[1] = saturation;
  scratch[2] = value;
  hsvToRgbAt(scratch, 0);
  return [scratch[0], scratch[1], scratch[2]];
}
