/** Channel rounding shared by MobileNetV3 (`_make_divisible`) and EfficientNet (`round_filters`). */

/**
 * Rounds `value` to the nearest multiple of `divisor` (halves up), at least `minValue`, and one step higher if
 * that would lose more than 10% of `value` — the TensorFlow slim rule both reference backbones use.
 */
export function makeDivisible(value: number, divisor: number, minValue = divisor): number {
  const rounded = Math.max(minValue, Math.floor(Math.floor(value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}
