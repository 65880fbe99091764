import type { RasterImage, Rgb } from '@ssd/image';

/** A solid RGB image. */
export function solid(width: number, height: number, color: Rgb, channels: 3 | 4 = 3): RasterImage {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    data.set(channels === 4 ? [...color, 200] : color, i * channels);
  }
  return { data, width, height, channels };
}

/** The RGB of pixel (x, y). */
export function pixel(image: RasterImage, x: number, y: number): [number, number, number] {
  const i = (y * image.width + x) * image.channels;
  return [image.data[i], image.data[i + 1], image.data[i + 2]];
}

export function sameColor(a: readonly number[], b: readonly number[]): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

/** Coordinates of every pixel whose RGB differs between two images of one size. */
export function changedPixels(a: RasterImage, b: RasterImage): [number, number][] {
  const out: [number, number][] = [];
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (!sameColor(pixel(a, x, y), pixel(b, x, y))) out.push([x, y]);
    }
  }
  return out;
}
