/** An 8-bit image with interleaved channels: RGB (3) or RGBA (4), rows top to bottom. */
export interface RasterImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3 | 4;
}

/** An sRGB colour, each component 0..255. */
export type Rgb = readonly [number, number, number];

/** An axis-aligned pixel rectangle covering columns [x0, x1) and rows [y0, y1). */
export interface PixelRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Throws if `image` is not a well-formed RGB/RGBA buffer; `name` says which argument was bad. */
export function checkImage(image: RasterImage, name: string): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`${name}: width and height must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 3 && channels !== 4) {
    throw new Error(`${name}: channels must be 3 (RGB) or 4 (RGBA), got ${channels}`);
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height * channels) {
    throw new Error(
      `${name}: data must be a Uint8Array of ${width * height * channels} bytes (${width}x${height}x${channels}), got ${data?.length}`,
    );
  }
}

/** Returns a blank RGB image filled with `color`. */
export function createImage(width: number, height: number, color: Rgb): RasterImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = color[0];
    data[i + 1] = color[1];
    data[i + 2] = color[2];
  }
  return { data, width, height, channels: 3 };
}

/** Intersects two rectangles; the result may be empty (x1 <= x0 or y1 <= y0). */
export function intersectRect(a: PixelRect, b: PixelRect): PixelRect {
  return {
    x0: Math.max(a.x0, b.x0),
    y0: Math.max(a.y0, b.y0),
    x1: Math.min(a.x1, b.x1),
    y1: Math.min(a.y1, b.y1),
  };
}

/** The rectangle covering the whole image. */
export function imageRect(image: RasterImage): PixelRect {
  return { x0: 0, y0: 0, x1: image.width, y1: image.height };
}

/** Paints the integer rectangle `rect` (clipped to the image) opaquely with `color`. */
export function fillRect(image: RasterImage, rect: PixelRect, color: Rgb): void {
  const r = intersectRect(
    {
      x0: Math.round(rect.x0),
      y0: Math.round(rect.y0),
      x1: Math.round(rect.x1),
      y1: Math.round(rect.y1),
    },
    imageRect(image),
  );
  const ch = image.channels;
  for (let y = r.y0; y < r.y1; y++) {
    for (let x = r.x0; x < r.x1; x++) {
      const i = (y * image.width + x) * ch;
      image.data[i] = color[0];
      image.data[i + 1] = color[1];
      image.data[i + 2] = color[2];
      if (ch === 4) image.data[i + 3] = 255;
    }
  }
}
