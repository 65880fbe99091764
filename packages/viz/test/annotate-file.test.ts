import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeImage } from '@ssd/image';
import sharp from 'sharp';
import { annotateImageFile } from '../src/annotate-file';
import { classColor } from '../src/colors';
import { pixel } from './helpers';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viz-annotate-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('annotateImageFile', () => {
  test('draws on the EXIF-upright image and writes PNG by extension', async () => {
    // Stored 80 wide x 60 high with orientation 6: upright it is 60 wide x 80 high.
    const input = path.join(dir, 'in.jpg');
    await sharp({ create: { width: 80, height: 60, channels: 3, background: { r: 90, g: 90, b: 90 } } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(input);
    const output = path.join(dir, 'out', 'annotated.png');
    await annotateImageFile(
      input,
      output,
      [{ box: [10, 40, 50, 75], label: 'dog', labelId: 12, score: 0.5 }],
      {
        lineWidth: 2,
      },
    );
    const meta = await sharp(output).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 60, 80]);
    const img = { ...(await decodeImage(output)), channels: 3 as const };
    expect(pixel(img, 10, 60)).toEqual([...classColor(12)]);
    expect(pixel(img, 30, 60)[0]).toBeLessThan(100);
  });

  test('writes JPEG for .jpg and refuses other extensions', async () => {
    const input = path.join(dir, 'in.png');
    await sharp({ create: { width: 40, height: 30, channels: 4, background: '#ffffff80' } })
      .png()
      .toFile(input);
    const output = path.join(dir, 'a.JPG');
    await annotateImageFile(input, output, [{ box: [5, 5, 30, 25], label: 'x', labelId: 1, score: 1 }]);
    expect((await sharp(output).metadata()).format).toBe('jpeg');
    await expect(annotateImageFile(input, path.join(dir, 'a.bmp'), [])).rejects.toThrow(
      /not supported.*\.bmp/,
    );
  });

  test('a missing input is reported by path', async () => {
    await expect(annotateImageFile(path.join(dir, 'nope.jpg'), path.join(dir, 'o.png'), [])).rejects.toThrow(
      /nope\.jpg/,
    );
  });
});
