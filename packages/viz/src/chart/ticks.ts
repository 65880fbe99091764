/** Axis range widened to whole steps, with the tick values on it. */
export interface Ticks {
  lo: number;
  hi: number;
  step: number;
  values: number[];
}

/** Round tick positions (1, 2 or 5 times a power of ten apart, about `target` of them) covering [min, max]. */
export function niceTicks(min: number, max: number, target: number): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new Error(`niceTicks: bad range [${min}, ${max}]`);
  }
  if (min === max) {
    // A flat series still needs a visible range around its value.
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, target);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const ratio = raw / magnitude;
  const step = (ratio <= 1 ? 1 : ratio <= 2 ? 2 : ratio <= 5 ? 5 : 10) * magnitude;
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const count = Math.round((hi - lo) / step);
  // toPrecision strips the float noise that multiples of e.g. 0.1 pick up; a value that is noise around 0 is 0.
  const values = Array.from({ length: count + 1 }, (_, i) => {
    const v = lo + i * step;
    return Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12));
  });
  return { lo: values[0], hi: values[count], step, values };
}

/** Decimal places needed to write multiples of `step` exactly. */
function decimalsOf(step: number): number {
  for (let d = 0; d < 15; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * scaled) return d;
  }
  return 15;
}

/** Labels for tick values: plain decimals, or exponent notation for very small or very large numbers. */
export function formatTicks(values: readonly number[], step: number): string[] {
  const decimals = decimalsOf(step);
  const maxAbs = Math.max(...values.map(Math.abs));
  if (maxAbs < 1e6 && decimals <= 4) return values.map((v) => v.toFixed(decimals));
  const stepExponent = Math.floor(Math.log10(step));
  return values.map((v) =>
    v === 0 ? '0' : v.toExponential(Math.max(0, Math.floor(Math.log10(Math.abs(v))) - stepExponent)),
  );
}
