import type { Contour } from './fill';

/** A closed polygon approximating an axis-aligned ellipse with radii `rx`, `ry` centred at (cx, cy). */
export function ellipseShape(cx: number, cy: number, rx: number, ry: number): Contour[] {
  // More sides for larger ellipses; 48 keep a radius-100 outline within 0.25 px of the true curve.
  const sides = Math.max(8, Math.min(48, Math.ceil(Math.max(rx, ry) * 4)));
  const c: Contour = [];
  for (let k = 0; k < sides; k++) {
    const a = (2 * Math.PI * k) / sides;
    c.push(cx + rx * Math.cos(a), cy + ry * Math.sin(a));
  }
  return [c];
}

/** A closed regular polygon approximating a disc of radius `r` centred at (cx, cy). */
export function discShape(cx: number, cy: number, r: number): Contour[] {
  return ellipseShape(cx, cy, r, r);
}

/**
 * Shapes that together stroke the polyline through `xy` (flat x, y pairs) with a line `width` pixels wide:
 * one quad per segment and a disc at each inner vertex so that bends have no notches.
 */
export function polylineShapes(xy: readonly number[], width: number): Contour[][] {
  const half = width / 2;
  const shapes: Contour[][] = [];
  for (let i = 0; i + 3 < xy.length; i += 2) {
    const [x0, y0, x1, y1] = [xy[i], xy[i + 1], xy[i + 2], xy[i + 3]];
    const len = Math.hypot(x1 - x0, y1 - y0);
    if (len === 0) continue;
    const nx = (-(y1 - y0) / len) * half;
    const ny = ((x1 - x0) / len) * half;
    shapes.push([[x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny]]);
    if (i + 5 < xy.length && width > 1.5) shapes.push(discShape(x1, y1, half));
  }
  return shapes;
}
