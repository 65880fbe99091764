import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { decodeImage, ImageTooLargeError, MAX_IMAGE_PIXELS } from '../src';
import { DEMO_IMAGES, tempDir } from './helpers';

/** Pixel (x, y) of a decoded image. */
function px(img: { data: Uint8Array; width: number }, x: number, y: number): number[] {
  const o = (y * img.width + x) * 3;
  return Array.from(img.data.subarray(o, o + 3));
}

const near = (a: number[], b: number[], tol: number) => a.every((v, i) => Math.abs(v - b[i]!) <= tol);

describe('decodeImage', () => {
  const tmp = tempDir('image');
  afterAll(tmp.cleanup);

  // Sizes from the VOC2007 annotations of these images.
  test.each([
    ['000342.jpg', 500, 375],
    ['000542.jpg', 500, 375],
    ['003123.jpg', 500, 375],
    ['004101.jpg', 375, 500],
    ['008591.jpg', 333, 500],
  ])('decodes demo photo %s at %i×%i', async (file, width, height) => {
    const img = await decodeImage(path.join(DEMO_IMAGES, file));
    expect([img.width, img.height]).toEqual([width, height]);
    expect(img.data).toBeInstanceOf(Uint8Array);
    expect(img.data.length).toBe(width * height * 3);
    // A real photo: not one flat colour.
    expect(new Set(img.data.subarray(0, 3000)).size).toBeGreaterThan(10);
  });

  test('applies EXIF orientation (6: rotate 90° clockwise)', async () => {
    // 4×2 image: left half red, right half blue, stored with orientation 6.
    const raw = Buffer.alloc(4 * 2 * 3);
    for (let y = 0; y < 2; y++)
      for (let x = 0; x < 4; x++) raw.set(x < 2 ? [255, 0, 0] : [0, 0, 255], (y * 4 + x) * 3);
    const file = path.join(tmp.dir, 'exif.png');
    await sharp(raw, { raw: { width: 4, height: 2, channels: 3 } })
      .withMetadata({ orientation: 6 })
      .png()
      .toFile(file);
    const img = await decodeImage(file);
    expect([img.width, img.height]).toEqual([2, 4]);
    // Turning clockwise puts the stored left (red) half on top.
    expect(px(img, 0, 0)).toEqual([255, 0, 0]);
    expect(px(img, 1, 1)).toEqual([255, 0, 0]);
    expect(px(img, 0, 3)).toEqual([0, 0, 255]);
  });

  test('turns 1-channel grey and grey+alpha into RGB', async () => {
    const grey = path.join(tmp.dir, 'grey.png');
    await sharp(Buffer.from([0, 50, 100, 150, 200, 250]), { raw: { width: 3, height: 2, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toFile(grey);
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const g = await decodeImage(grey);
    expect(g.data.length).toBe(3 * 2 * 3);
    expect(px(g, 2, 1)).toEqual([250, 250, 250]);
    expect(px(g, 1, 0)).toEqual([50, 50, 50]);

    const greyAlpha = path.join(tmp.dir, 'grey-alpha.png');
    await sharp(Buffer.from([10, 0, 20, 255]), { raw: { width: 2, height: 1, channels: 2 } })
      .toColourspace('b-w')
      .png()
      .toFile(greyAlpha);
    expect((await sharp(greyAlpha).metadata()).channels).toBe(2);
    const ga = await decodeImage(greyAlpha);
    expect(Array.from(ga.data)).toEqual([10, 10, 10, 20, 20, 20]);
  });

  test('drops alpha as PIL convert("RGB") does (no compositing)', async () => {
    const file = path.join(tmp.dir, 'rgba.png');
    await sharp(Buffer.from([10, 20, 30, 0, 200, 100, 50, 128]), {
      raw: { width: 2, height: 1, channels: 4 },
    })
      .png()
      .toFile(file);
    const img = await decodeImage(file);
    expect(Array.from(img.data)).toEqual([10, 20, 30, 200, 100, 50]);
  });

  test('converts CMYK JPEG to RGB', async () => {
    const file = path.join(tmp.dir, 'cmyk.jpg');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 220, g: 40, b: 30 } } })
      .toColourspace('cmyk')
      .jpeg({ quality: 100 })
      .toFile(file);
    expect((await sharp(file).metadata()).space).toBe('cmyk');
    const img = await decodeImage(file);
    expect(img.data.length).toBe(8 * 8 * 3);
    // Colour-managed round trips move colours a little; red stays clearly red.
    expect(near(px(img, 4, 4), [220, 40, 30], 30)).toBe(true);
  });

  test('decodes WebP and decodes bytes as well as files', async () => {
    const raw = Buffer.from([1, 2, 3, 250, 251, 252]);
    const webp = await sharp(raw, { raw: { width: 2, height: 1, channels: 3 } })
      .webp({ lossless: true })
      .toBuffer();
    const img = await decodeImage(new Uint8Array(webp));
    expect(Array.from(img.data)).toEqual(Array.from(raw));
  });

  test('a corrupt JPEG is an error naming the file', async () => {
    const good = await sharp({ create: { width: 64, height: 64, channels: 3, background: 'red' } })
      .jpeg()
      .toBuffer();
    const file = path.join(tmp.dir, 'truncated.jpg');
    fs.writeFileSync(file, good.subarray(0, good.length >> 1));
    await expect(decodeImage(file)).rejects.toThrow(`cannot decode image ${file}`);
    const garbage = path.join(tmp.dir, 'garbage.jpg');
    fs.writeFileSync(garbage, 'not an image at all');
    await expect(decodeImage(garbage)).rejects.toThrow(garbage);
  });

  test('a missing file is an error naming the file', async () => {
    const file = path.join(tmp.dir, 'nope.jpg');
    await expect(decodeImage(file)).rejects.toThrow(`cannot decode image ${file}`);
  });

  test('maxPixels refuses a larger image from its header with ImageTooLargeError', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: 'blue' } })
      .png()
      .toBuffer();
    const refused = decodeImage(new Uint8Array(png), 'big.png', { maxPixels: 1199 });
    await expect(refused).rejects.toBeInstanceOf(ImageTooLargeError);
    await expect(refused).rejects.toMatchObject({
      width: 40,
      height: 30,
      maxPixels: 1199,
      message:
        'cannot decode image big.png: 40×30 = 1200 pixels is more than the 1199 allowed (a decompression bomb?)',
    });
    expect((await decodeImage(new Uint8Array(png), 'ok.png', { maxPixels: 1200 })).width).toBe(40);
    // The limit never exceeds the default.
    await expect(
      decodeImage(new Uint8Array(png), 'x', { maxPixels: MAX_IMAGE_PIXELS * 10 }),
    ).resolves.toMatchObject({ width: 40, height: 30 });
  });
});
