/**
 * SSD's box decoding, written once over the arithmetic it needs, so that every place that decodes boxes runs
 * the same formula with its operations in the same order (float32 results then agree): plain numbers here
 * (`decodeLocations`, `centerFormToCornerForm`), tensors in @ssd/modeling's post-processing, graph nodes in
 * @ssd/onnx's exported model.
 */

/** The operations decoding takes, on whatever holds the numbers; `mul`, `add` and `sub` broadcast. */
export interface BoxArithmetic<T> {
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  /** `a` times a constant. */
  scale(a: T, factor: number): T;
  exp(a: T): T;
}

/** Boxes (or regressions) in center form: centers and sizes, one axis or both, of the same shape. */
export interface CenterSize<T> {
  readonly center: T;
  readonly size: T;
}

/** Boxes in corner form: the low and high corners. */
export interface Corners<T> {
  readonly min: T;
  readonly max: T;
}

/** Plain numbers (JavaScript's float64), for arrays decoded one coordinate at a time. */
export const NUMBER_ARITHMETIC: BoxArithmetic<number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  scale: (a, factor) => a * factor,
  exp: Math.exp,
};

/**
 * Regression outputs against center-form priors → center-form boxes (relative coordinates), the reference's
 * convert_locations_to_boxes: center = loc · centerVariance · priorSize + priorCenter, size = exp(loc ·
 * sizeVariance) · priorSize.
 */
export function decodeCenterSize<T>(
  ops: BoxArithmetic<T>,
  locations: CenterSize<T>,
  priors: CenterSize<T>,
  centerVariance: number,
  sizeVariance: number,
): CenterSize<T> {
  return {
    center: ops.add(ops.mul(ops.scale(locations.center, centerVariance), priors.size), priors.center),
    size: ops.mul(ops.exp(ops.scale(locations.size, sizeVariance)), priors.size),
  };
}

/** Center form → corner form: center ∓ size / 2. */
export function cornersOf<T>(ops: BoxArithmetic<T>, boxes: CenterSize<T>): Corners<T> {
  const half = ops.scale(boxes.size, 0.5);
  return { min: ops.sub(boxes.center, half), max: ops.add(boxes.center, half) };
}
