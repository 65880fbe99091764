import * as fs from 'node:fs';
import * as path from 'node:path';
import { resizeBilinear } from '@ssd/image';
import { Rng } from '@ssd/random';
import { DEMO_IMAGES_DIR as DEMO_IMAGES, REFERENCE_DIR as FIXTURES } from '@ssd-test/kit';
import sharp from 'sharp';
import { buildTransforms, resize } from '../src';
import { maxAbsDiff, naiveBilinear, randomSample } from './helpers';

describe('resizeBilinear', () => {
  it.each([
    ['down', 500, 375, 300, 300],
    ['up', 7, 5, 13, 11],
    ['mixed', 40, 9, 17, 30],
  ])('float %s-scaling %i×%i → %i×%i matches a straightforward bilinear resize', (_, w, h, ow, oh) => {
    const { image } = randomSample(w, h, [], []);
    const out = resizeBilinear(image, w, h, ow, oh);
    expect(out.length).toBe(ow * oh * 3);
    // OpenCV (and so resizeBilinear) rounds sample positions to float32: a few thousandths of a level.
    expect(maxAbsDiff(out, naiveBilinear(image, w, h, ow, oh))).toBeLessThan(1e-2);
  });

  it.each([
    ['down', 500, 375, 300, 300],
    ['up', 7, 5, 13, 11],
  ])('8-bit %s-scaling gives whole grey levels within 1 of bilinear', (_, w, h, ow, oh) => {
    const bytes = Uint8Array.from(randomSample(w, h, [], []).image);
    const out = resizeBilinear(bytes, w, h, ow, oh);
    expect(out.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
    expect(maxAbsDiff(out, naiveBilinear(bytes, w, h, ow, oh))).toBeLessThanOrEqual(1);
  });

  it('keeps an image of the same size unchanged, 8-bit and float', () => {
    const { image } = randomSample(6, 4, [], []);
    expect(Array.from(resizeBilinear(image, 6, 4, 6, 4))).toEqual(Array.from(image));
    expect(Array.from(resizeBilinear(Uint8Array.from(image), 6, 4, 6, 4))).toEqual(Array.from(image));
  });

  it('rejects a mismatched image and a bad size', () => {
    expect(() => resizeBilinear(new Float32Array(10), 2, 2, 3, 3)).toThrow(/10 values, expected 2×2×3/);
    expect(() => resize(0)).toThrow(/size must be a positive integer/);
  });
});

describe('test-time transform against the reference', () => {
  it("reproduces the reference's resized, mean-subtracted 320×320 input of the demo image", async () => {
    const { data, info } = await sharp(path.join(DEMO_IMAGES, '000342.jpg'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const transform = buildTransforms({ INPUT: { IMAGE_SIZE: 320, PIXEL_MEAN: [123, 117, 104] } }, false);
    const out = transform(
      {
        image: new Uint8Array(data),
        width: info.width,
        height: info.height,
        boxes: new Float32Array(0),
        labels: new Int32Array(0),
      },
      new Rng(0),
    );
    const buf = fs.readFileSync(path.join(FIXTURES, 'mobilenet_v2_ssd320_input_nhwc.f32'));
    const expected = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
    expect(out.width).toBe(320);
    expect(out.image.length).toBe(expected.length);
    // The reference resizes the 8-bit image with OpenCV's fixed-point weights; a float resize rounded
    // afterwards is off by one level at ~10% of values, so this also checks that arithmetic (JPEG decoders
    // could still differ by a level here and there, hence not exact equality).
    let differing = 0;
    for (let i = 0; i < expected.length; i++) if (out.image[i] !== expected[i]) differing++;
    expect(maxAbsDiff(out.image, expected)).toBeLessThanOrEqual(1);
    expect(differing / expected.length).toBeLessThan(1e-3);
  });
});
