import * as fs from 'node:fs';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { decodeImage, MAX_IMAGE_PIXELS } from '@ssd/image';
import { COCODataset, resolveDataset, VOCDataset } from '../src';
import { DEMO_IMAGES, tempDir } from './helpers';

// The hostile-input suite for images and annotations: each bad file ends in one message naming it,
// within seconds and without decoding pixels it refuses.

const MAX_MS = 3000;

async function refusal(work: () => unknown): Promise<string> {
  const start = performance.now();
  try {
    await work();
  } catch (e) {
    expect(performance.now() - start).toBeLessThan(MAX_MS);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A valid PNG header claiming `width`×`height` RGB pixels, with almost no pixel data. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('hostile images', () => {
  const tmp = tempDir('hostile');
  afterAll(tmp.cleanup);
  const file = (name: string, content: Uint8Array | string) => {
    const p = path.join(tmp.dir, name);
    fs.writeFileSync(p, content);
    return p;
  };

  it('refuses a 16000² image (256 Mpx, 768 MB as RGB) before decoding it, naming it and its size', async () => {
    const bomb = file('bomb.png', pngClaiming(16000, 16000));
    expect(await refusal(() => decodeImage(bomb))).toBe(
      `cannot decode image ${bomb}: 16000×16000 = 256000000 pixels is more than the ${MAX_IMAGE_PIXELS} allowed (a decompression bomb?)`,
    );
  });

  it('refuses a 1×200 000 000 strip too', async () => {
    const strip = file('strip.png', pngClaiming(1, 200_000_000));
    expect(await refusal(() => decodeImage(strip))).toMatch(
      new RegExp(`^cannot decode image ${strip}: .*limit`),
    );
  });

  it.each([
    ['an empty file', 'empty.jpg', () => new Uint8Array(0)],
    ['text named .jpg', 'text.jpg', () => 'not an image'],
    [
      'a JPEG cut in half',
      'half.jpg',
      () => fs.readFileSync(path.join(DEMO_IMAGES, '000342.jpg')).subarray(0, 20000),
    ],
    ['a PNG with a damaged header', 'crc.png', () => Buffer.from(pngClaiming(8, 8)).fill(0, 16, 20)],
  ])('names %s', async (_, name, content) => {
    const bad = file(name, content());
    expect(await refusal(() => decodeImage(bad))).toMatch(new RegExp(`^cannot decode image ${bad}: `));
  });
});

describe('hostile annotations', () => {
  const tmp = tempDir('hostile-ann');
  afterAll(tmp.cleanup);

  function vocWith(xml: string): VOCDataset {
    const root = fs.mkdtempSync(path.join(tmp.dir, 'voc-'));
    fs.mkdirSync(path.join(root, 'Annotations'));
    fs.mkdirSync(path.join(root, 'ImageSets', 'Main'), { recursive: true });
    fs.writeFileSync(path.join(root, 'Annotations', 'a.xml'), xml);
    fs.writeFileSync(path.join(root, 'ImageSets', 'Main', 'train.txt'), 'a\n');
    return new VOCDataset({ dataDir: root, split: 'train' });
  }

  it('does not expand nested XML entities ("billion laughs")', async () => {
    let entities = '<!ENTITY l0 "lollollollollollollollollollol">';
    for (let i = 1; i < 10; i++) entities += `<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`;
    const ds = vocWith(
      `<?xml version="1.0"?><!DOCTYPE annotation [${entities}]><annotation><size><width>3</width><height>3</height></size>` +
        '<object><name>&l9;</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>',
    );
    expect(await refusal(() => ds.getAnnotation(0))).toMatch(
      /a\.xml: field 'object\[0\]\.name' is '.{0,40}', not one of the classes/,
    );
  });

  it.each([
    [
      'Infinity in a box',
      '<xmin>1</xmin><ymin>1</ymin><xmax>Infinity</xmax><ymax>2</ymax>',
      "object[0].bndbox.xmax' is 'Infinity'",
    ],
    [
      'a box upside down',
      '<xmin>5</xmin><ymin>5</ymin><xmax>2</xmax><ymax>2</ymax>',
      "object[0].bndbox' has max below min",
    ],
    [
      'a hex number',
      '<xmin>0x10</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax>',
      "object[0].bndbox.xmin' is '0x10'",
    ],
  ])('names %s', async (_, box, message) => {
    const ds = vocWith(
      `<annotation><size><width>3</width><height>3</height></size><object><name>dog</name><bndbox>${box}</bndbox></object></annotation>`,
    );
    const text = await refusal(() => ds.getAnnotation(0));
    expect(text).toContain('a.xml');
    expect(text).toContain(message);
  });

  it('a COCO file nested 100 000 deep is refused as malformed, naming it', async () => {
    const annFile = path.join(tmp.dir, 'deep.json');
    fs.writeFileSync(annFile, `{"images": ${'['.repeat(100000)}${']'.repeat(100000)}}`);
    const text = await refusal(() => new COCODataset({ dataDir: tmp.dir, annFile }));
    expect(text).toContain(annFile);
  });

  it.each(['constructor', 'toString', '__proto__'])(
    'a data set named %s is unknown, not a prototype member',
    (name) => {
      expect(() => resolveDataset(name, { DATASETS: { CATALOG: {} } })).toThrow(`unknown data set '${name}'`);
    },
  );
});
