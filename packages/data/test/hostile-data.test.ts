import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { decodeImage, MAX_IMAGE_PIXELS } from '@ssd/image';
import sharp from 'sharp';
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

/** 245 bytes of SVG that librsvg renders as a 12000² blurred image (it ran for minutes). */
const SVG_BOMB =
  '<svg xmlns="http://www.w3.org/2000/svg" width="12000" height="12000"><filter id="b">' +
  '<feGaussianBlur stdDeviation="900"/></filter><rect width="12000" height="12000" fill="red" filter="url(#b)"/></svg>';

describe('hostile images: formats and kinds of file', () => {
  const tmp = tempDir('hostile-formats');
  afterAll(tmp.cleanup);
  const file = (name: string, content: Uint8Array | string) => {
    const p = path.join(tmp.dir, name);
    fs.writeFileSync(p, content);
    return p;
  };
  const READS = 'not one of the formats read (JPEG, PNG, WebP)';

  it.each([
    ['an SVG with a blur filter named .png', 'bomb.png', () => SVG_BOMB, 'SVG (a vector format)'],
    [
      'an SVG after an XML declaration and a comment',
      'decl.jpg',
      () => `<?xml version="1.0"?>\n<!-- x -->\n${SVG_BOMB}`,
      'SVG (a vector format)',
    ],
    [
      'a GIF named .jpg',
      'anim.jpg',
      () => Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
      'GIF',
    ],
    ['a PDF named .png', 'doc.png', () => '%PDF-1.4\n', 'PDF (a vector format)'],
    ['a TIFF named .jpg', 'scan.jpg', () => Buffer.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]), 'TIFF'],
  ])('refuses %s before any decoder sees it, saying what it is', async (_, name, content, what) => {
    const bad = file(name, content());
    expect(await refusal(() => decodeImage(bad))).toBe(`cannot decode image ${bad}: it is ${what}, ${READS}`);
  });

  it('decodes WebP, JPEG and PNG whatever their names say', async () => {
    const pixels = {
      create: { width: 3, height: 2, channels: 3 as const, background: { r: 10, g: 200, b: 30 } },
    };
    for (const [format, name] of [
      ['webp', 'webp-named.png'],
      ['png', 'png-named.jpg'],
      ['jpeg', 'jpeg-named.webp'],
    ] as const) {
      const bytes = await sharp(pixels).toFormat(format, { lossless: true, quality: 100 }).toBuffer();
      const image = await decodeImage(file(name, bytes));
      expect([image.width, image.height]).toEqual([3, 2]);
      expect(Math.abs(image.data[1]! - 200)).toBeLessThan(4);
    }
  });

  it.each([
    [
      'a FIFO named b.jpg',
      () => {
        const fifo = path.join(tmp.dir, 'b.jpg');
        execFileSync('mkfifo', [fifo]);
        return fifo;
      },
      'is a FIFO (named pipe), not a regular file',
    ],
    ['a device', () => '/dev/zero', 'is a character device, not a regular file'],
    [
      'a folder named c.png',
      () => fs.mkdirSync(path.join(tmp.dir, 'c.png')) ?? path.join(tmp.dir, 'c.png'),
      'is a folder, not a regular file',
    ],
  ])('refuses %s at once, naming it', async (_, make, reason) => {
    const bad = make();
    expect(await refusal(() => decodeImage(bad))).toBe(`cannot decode image ${bad}: ${reason}`);
  });

  it('the same rule holds in a data set: an SVG or a FIFO among its images is named', async () => {
    const root = path.join(tmp.dir, 'voc');
    for (const sub of ['Annotations', 'JPEGImages', 'ImageSets/Main'])
      fs.mkdirSync(path.join(root, sub), { recursive: true });
    fs.writeFileSync(path.join(root, 'ImageSets', 'Main', 'train.txt'), 'svg\nfifo\n');
    for (const id of ['svg', 'fifo']) {
      fs.writeFileSync(
        path.join(root, 'Annotations', `${id}.xml`),
        '<annotation><size><width>3</width><height>3</height></size></annotation>',
      );
    }
    fs.writeFileSync(path.join(root, 'JPEGImages', 'svg.jpg'), SVG_BOMB);
    execFileSync('mkfifo', [path.join(root, 'JPEGImages', 'fifo.jpg')]);
    const ds = new VOCDataset({ dataDir: root, split: 'train' });
    expect(await refusal(() => ds.getItem(0))).toBe(
      `cannot decode image ${path.join(root, 'JPEGImages', 'svg.jpg')}: it is SVG (a vector format), ${READS}`,
    );
    expect(await refusal(() => ds.getItem(1))).toBe(
      `cannot decode image ${path.join(root, 'JPEGImages', 'fifo.jpg')}: is a FIFO (named pipe), not a regular file`,
    );
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

  it.each([
    [
      'an external entity',
      '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><annotation><size><width>3</width><height>3</height></size><folder>&x;</folder></annotation>',
      'External entities are not supported',
    ],
    [
      '200 000 nested tags',
      `<annotation>${'<a>'.repeat(200_000)}${'</a>'.repeat(200_000)}</annotation>`,
      'Maximum nested tags exceeded',
    ],
  ])('names the file of VOC XML with %s', async (_, xml, why) => {
    const ds = vocWith(xml);
    const text = await refusal(() => ds.getAnnotation(0));
    expect(text).toBe(`malformed annotation ${ds.annotationPath(0)}: ${why}`);
  });

  it('names an annotation that is a FIFO, at once', async () => {
    const ds = vocWith('<annotation/>');
    fs.rmSync(ds.annotationPath(0));
    execFileSync('mkfifo', [ds.annotationPath(0)]);
    expect(await refusal(() => ds.getAnnotation(0))).toBe(
      `cannot read annotation ${ds.annotationPath(0)}: it is a FIFO (named pipe), not a regular file`,
    );
  });

  describe('COCO ids', () => {
    const image = (id: number, name = `${id}.jpg`) => ({ id, file_name: name, width: 32, height: 32 });
    const box = (image_id: number, category_id: number) => ({ image_id, category_id, bbox: [1, 1, 8, 8] });
    const categories = [
      { id: 1, name: 'circle' },
      { id: 2, name: 'square' },
    ];
    it.each([
      [
        'a duplicate image id (its boxes went to the wrong image)',
        { images: [image(1), image(2), image(1, 'other.jpg')], categories, annotations: [box(1, 1)] },
        "field 'images[2].id' 1 is listed twice (also images[0]); annotations would go to the wrong image",
      ],
      [
        'a category id listed twice (every circle became a square)',
        {
          images: [image(1)],
          categories: [...categories, { id: 1, name: 'square' }],
          annotations: [box(1, 1)],
        },
        "field 'categories[2].id' 1 is listed twice (also categories[0]); each category needs its own id",
      ],
      [
        'an annotation of an unknown image',
        { images: [image(1)], categories, annotations: [box(1, 1), box(7, 1)] },
        "field 'annotations[1].image_id' 7 is not an image",
      ],
      [
        'an annotation of an unknown category',
        { images: [image(1)], categories, annotations: [box(1, 3)] },
        "field 'annotations[0].category_id' 3 is not a category",
      ],
    ])('refuses %s, naming the file and the id', async (_, json, message) => {
      const annFile = path.join(tmp.dir, 'ids.json');
      fs.writeFileSync(annFile, JSON.stringify(json));
      expect(await refusal(() => new COCODataset({ dataDir: tmp.dir, annFile }))).toBe(
        `bad COCO file ${annFile}: ${message}`,
      );
    });
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
