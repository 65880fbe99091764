import * as fs from 'node:fs';
import * as path from 'node:path';
import { createImage, decodeImage, encodeImage, fillRect, imageFormatOf, writeImageFile } from '../src';
import { tempDir } from './helpers';

/** A 16×8 image: red left half, blue right half. */
function halves() {
  const image = createImage(16, 8, [255, 0, 0]);
  fillRect(image, { x0: 8, y0: 0, x1: 16, y1: 8 }, [0, 0, 255]);
  return image;
}

describe('encodeImage', () => {
  test('PNG round-trips the pixels exactly; RGBA loses only its alpha on decoding', async () => {
    const image = halves();
    const png = await encodeImage(image, 'png');
    expect(Array.from(png.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const back = await decodeImage(png);
    expect([back.width, back.height]).toEqual([16, 8]);
    expect(Buffer.from(back.data).equals(Buffer.from(image.data))).toBe(true);

    const rgba = { data: new Uint8Array(2 * 1 * 4).fill(200), width: 2, height: 1, channels: 4 as const };
    expect(Array.from((await decodeImage(await encodeImage(rgba, 'png'))).data)).toEqual([
      200, 200, 200, 200, 200, 200,
    ]);
  });

  test('JPEG keeps flat colours within a few levels, and a lower quality makes a smaller file', async () => {
    const image = halves();
    const jpeg = await encodeImage(image, 'jpeg');
    expect(Array.from(jpeg.subarray(0, 2))).toEqual([0xff, 0xd8]);
    const back = await decodeImage(jpeg);
    const at = (x: number, y: number) =>
      Array.from(back.data.subarray((y * 16 + x) * 3, (y * 16 + x) * 3 + 3));
    for (const [got, want] of [
      [at(1, 4), [255, 0, 0]],
      [at(14, 4), [0, 0, 255]],
    ]) {
      for (const [i, v] of got!.entries()) expect(Math.abs(v - want![i]!)).toBeLessThanOrEqual(8);
    }
    const noisy = { ...image, data: image.data.map((v, i) => (v + i * 37) % 256) };
    const small = await encodeImage(noisy, 'jpeg', { quality: 10 });
    expect(small.length).toBeLessThan((await encodeImage(noisy, 'jpeg', { quality: 95 })).length);
  });

  test('a malformed image or quality is refused before encoding', async () => {
    await expect(
      encodeImage({ data: new Uint8Array(5), width: 2, height: 1, channels: 3 }, 'png'),
    ).rejects.toThrow('image to encode as png: data must be a Uint8Array of 6 bytes (2x1x3), got 5');
    await expect(encodeImage(halves(), 'jpeg', { quality: 0 })).rejects.toThrow(
      'JPEG quality must be an integer from 1 to 100, got 0',
    );
  });
});

describe('writeImageFile', () => {
  const tmp = tempDir('encode');
  afterAll(tmp.cleanup);

  test('picks the format by extension and creates the folder', async () => {
    for (const name of ['a.jpg', 'b.JPEG', 'c.png']) {
      const file = path.join(tmp.dir, 'new', 'folder', name);
      await writeImageFile(halves(), file);
      const magic = Array.from(fs.readFileSync(file).subarray(0, 2));
      expect(magic).toEqual(imageFormatOf(file) === 'png' ? [0x89, 0x50] : [0xff, 0xd8]);
    }
  });

  test('an unknown extension is refused, naming the file', async () => {
    const file = path.join(tmp.dir, 'x.gif');
    await expect(writeImageFile(halves(), file)).rejects.toThrow(
      `not supported: output image extension '.gif' in ${file} (use .jpg, .jpeg or .png)`,
    );
    expect(fs.existsSync(file)).toBe(false);
  });
});
