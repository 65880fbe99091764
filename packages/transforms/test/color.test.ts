import { hsvToRgbAt, rgbToHsvAt } from '@ssd/image';
import { Rng } from '@ssd/random';
import { convertColor, type ImageSample } from '../src';
import { maxAbsDiff } from './helpers';

function hsv(r: number, g: number, b: number): number[] {
  const d = Float32Array.from([r, g, b]);
  rgbToHsvAt(d, 0);
  return Array.from(d);
}

function rgb(h: number, s: number, v: number): number[] {
  const d = Float32Array.from([h, s, v]);
  hsvToRgbAt(d, 0);
  return Array.from(d);
}

describe('RGB ↔ HSV (OpenCV float convention: H in degrees, S in [0, 1], V = max)', () => {
  it('converts hand-checked colours', () => {
    expect(hsv(255, 0, 0)).toEqual([0, expect.closeTo(1, 6), 255]);
    expect(hsv(0, 255, 0)).toEqual([120, expect.closeTo(1, 6), 255]);
    expect(hsv(0, 0, 255)).toEqual([240, expect.closeTo(1, 6), 255]);
    expect(hsv(128, 128, 128)).toEqual([0, 0, 128]);
    // Orange: H = 60·(G − B)/(max − min) = 60·128/255.
    expect(hsv(255, 128, 0)).toEqual([expect.closeTo((60 * 128) / 255, 4), expect.closeTo(1, 6), 255]);
    // Magenta-ish, max = B: H = 240 + 60·(R − G)/(max − min) = 240 + 60·100/200 = 270; S = 200/250.
    expect(hsv(150, 50, 250)).toEqual([expect.closeTo(270, 4), expect.closeTo(0.8, 6), 250]);
    expect(rgb(270, 0.8, 250)).toEqual([
      expect.closeTo(150, 3),
      expect.closeTo(50, 3),
      expect.closeTo(250, 3),
    ]);
    expect(rgb(0, 0, 42)).toEqual([42, 42, 42]);
  });

  it('follows OpenCV on an all-negative pixel (brightness can push pixels below 0)', () => {
    // max = −10, min = −30: S = 20/|−10| = 2, H = 60·(G − B)/20 = 30; back: p = V(1−S) = 10, q = t = 0.
    expect(hsv(-10, -20, -30)).toEqual([expect.closeTo(30, 4), expect.closeTo(2, 5), -10]);
    expect(rgb(30, 2, -10)).toEqual([-10, expect.closeTo(0, 4), expect.closeTo(10, 4)]);
  });

  it('round-trips an image through convertColor HSV and back', () => {
    const rng = new Rng(3);
    const n = 5000;
    const image = new Float32Array(n * 3);
    // Mostly 0–255, plus some brightened/contrasted values above 255 and below 0 (max stays positive).
    for (let i = 0; i < image.length; i++) image[i] = rng.uniform(-40, 380);
    for (let i = 0; i < image.length; i += 3) image[i] = Math.abs(image[i]) + 1;
    const sample: ImageSample = {
      image: image.slice(),
      width: n,
      height: 1,
      boxes: new Float32Array(0),
      labels: new Int32Array(0),
    };
    const asHsv = convertColor('RGB', 'HSV')(sample, rng);
    for (let i = 0; i < n * 3; i += 3) {
      expect(asHsv.image[i] >= 0 && asHsv.image[i] <= 360).toBe(true);
    }
    const back = convertColor('HSV', 'RGB')(asHsv, rng);
    expect(maxAbsDiff(back.image, image)).toBeLessThan(1e-3);
  });

  it('rejects other colour spaces', () => {
    expect(() => convertColor('RGB', 'BGR' as 'HSV')).toThrow('not supported: convertColor from RGB to BGR');
  });
});
