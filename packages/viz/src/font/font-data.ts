/** Glyph outlines of one font for a contiguous range of character codes (generated data). */
export interface FontData {
  unitsPerEm: number;
  ascender: number;
  descender: number;
  capHeight: number;
  /** Character code of glyphs[0]. */
  firstCode: number;
  /** Per glyph: advance width and outline as path data (M, L, Q, Z) in font units, y up. */
  glyphs: ReadonlyArray<readonly [number, string]>;
}

/** One outline drawing step in font units: move, line, or quadratic curve through (cx, cy). */
export type OutlineStep =
  | { op: 'M'; x: number; y: number }
  | { op: 'L'; x: number; y: number }
  | { op: 'Q'; cx: number; cy: number; x: number; y: number }
  | { op: 'Z' };

/** A font with its outlines parsed and the vertical ink extent of its glyphs. */
export interface ParsedFont {
  data: FontData;
  outlines: OutlineStep[][];
  /** Highest and lowest outline y over letters and digits, in font units (y up): the text line's extent. */
  inkTop: number;
  inkBottom: number;
}

const ARG_COUNT: Record<string, number> = { M: 2, L: 2, Q: 4, Z: 0 };

/** Parses one glyph's path data; throws naming the glyph code on anything unexpected. */
function parseOutline(path: string, code: number): OutlineStep[] {
  const steps: OutlineStep[] = [];
  for (const match of path.matchAll(/([A-Z])([^A-Z]*)/g)) {
    const op = match[1];
    const args = match[2].trim() === '' ? [] : match[2].trim().split(/\s+/).map(Number);
    if (
      ARG_COUNT[op] === undefined ||
      args.length !== ARG_COUNT[op] ||
      args.some((v) => !Number.isFinite(v))
    ) {
      throw new Error(`font glyph ${code}: bad path step '${match[0]}'`);
    }
    if (op === 'Q') steps.push({ op, cx: args[0], cy: args[1], x: args[2], y: args[3] });
    else if (op === 'Z') steps.push({ op });
    else steps.push({ op: op === 'M' ? 'M' : 'L', x: args[0], y: args[1] });
  }
  return steps;
}

const parsed = new WeakMap<FontData, ParsedFont>();

/** Parses `data` once and caches the result. */
export function parseFont(data: FontData): ParsedFont {
  const cached = parsed.get(data);
  if (cached) return cached;
  const outlines = data.glyphs.map(([, path], i) => parseOutline(path, data.firstCode + i));
  let inkTop = 0;
  let inkBottom = 0;
  outlines.forEach((steps, i) => {
    // Letters and digits set the line extent; brackets and bars overshoot it slightly, which padding absorbs.
    if (!/[A-Za-z0-9]/.test(String.fromCharCode(data.firstCode + i))) return;
    for (const s of steps) {
      if (s.op === 'Z') continue;
      inkTop = Math.max(inkTop, s.y);
      inkBottom = Math.min(inkBottom, s.y);
    }
  });
  const font = { data, outlines, inkTop, inkBottom };
  parsed.set(data, font);
  return font;
}
