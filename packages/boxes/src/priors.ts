/** The config fields PriorBox reads; any full `SSDConfig` satisfies it. */
export interface PriorConfig {
  INPUT: { IMAGE_SIZE: number };
  MODEL: {
    PRIORS: {
      FEATURE_MAPS: readonly number[];
      STRIDES: readonly number[];
      MIN_SIZES: readonly number[];
      MAX_SIZES: readonly number[];
      ASPECT_RATIOS: readonly (readonly number[])[];
      CLIP: boolean;
    };
  };
}

/** Number of priors at one feature-map cell: two squares plus two boxes per aspect ratio. */
export function priorsPerLocation(aspectRatios: readonly number[]): number {
  return 2 + 2 * aspectRatios.length;
}

function checkPriorConfig(cfg: PriorConfig): void {
  const p = cfg.MODEL.PRIORS;
  const n = p.FEATURE_MAPS.length;
  const lists: [string, readonly unknown[]][] = [
    ['STRIDES', p.STRIDES],
    ['MIN_SIZES', p.MIN_SIZES],
    ['MAX_SIZES', p.MAX_SIZES],
    ['ASPECT_RATIOS', p.ASPECT_RATIOS],
  ];
  for (const [key, list] of lists) {
    if (list.length !== n) {
      throw new Error(
        `MODEL.PRIORS.${key} has ${list.length} entries but MODEL.PRIORS.FEATURE_MAPS has ${n}`,
      );
    }
  }
  if (!(cfg.INPUT.IMAGE_SIZE > 0)) {
    throw new Error(`INPUT.IMAGE_SIZE must be positive, got ${cfg.INPUT.IMAGE_SIZE}`);
  }
}

/**
 * PriorBox: the SSD anchors as a flat `num_priors × 4` array of relative `[cx, cy, w, h]`, ordered
 * (feature map, row, column, box) like the predictor's NHWC outputs.
 */
export function buildPriors(cfg: PriorConfig): Float32Array {
  checkPriorConfig(cfg);
  const { FEATURE_MAPS, STRIDES, MIN_SIZES, MAX_SIZES, ASPECT_RATIOS, CLIP } = cfg.MODEL.PRIORS;
  const imageSize = cfg.INPUT.IMAGE_SIZE;
  let total = 0;
  FEATURE_MAPS.forEach((f, k) => {
    total += f * f * priorsPerLocation(ASPECT_RATIOS[k]);
  });
  const out = new Float32Array(total * 4);
  let o = 0;
  const push = (cx: number, cy: number, w: number, h: number): void => {
    out[o++] = cx;
    out[o++] = cy;
    out[o++] = w;
    out[o++] = h;
  };
  FEATURE_MAPS.forEach((f, k) => {
    const scale = imageSize / STRIDES[k];
    const small = MIN_SIZES[k] / imageSize;
    const big = Math.sqrt(MIN_SIZES[k] * MAX_SIZES[k]) / imageSize;
    for (let i = 0; i < f; i++) {
      for (let j = 0; j < f; j++) {
        const cx = (j + 0.5) / scale;
        const cy = (i + 0.5) / scale;
        push(cx, cy, small, small);
        push(cx, cy, big, big);
        for (const ratio of ASPECT_RATIOS[k]) {
          const r = Math.sqrt(ratio);
          push(cx, cy, small * r, small / r);
          push(cx, cy, small / r, small * r);
        }
      }
    }
  });
  if (CLIP) {
    for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]));
  }
  return out;
}
