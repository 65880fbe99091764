import * as fs from 'node:fs';
import * as path from 'node:path';
import { COCODataset } from '../src';
import { FIXTURES, tempDir, writeJpeg } from './helpers';

describe('COCODataset on the checked-in sample', () => {
  const dataDir = path.join(FIXTURES, 'coco', 'images');
  const annFile = path.join(FIXTURES, 'coco', 'instances.json');

  test('maps sorted category ids to 1..N and corners from xywh; crowd objects are excluded', async () => {
    const ds = new COCODataset({ dataDir, annFile });
    // Category ids 1 (person), 3 (car), 18 (dog) in sorted order.
    expect(ds.classNames).toEqual(['__background__', 'person', 'car', 'dog']);
    expect(ds.contiguousToCategoryId).toEqual([-1, 1, 3, 18]);
    expect(ds.categoryIdToContiguous.get(18)).toBe(3);
    // Testing keeps every image in file order.
    expect(ds.ids).toEqual([285, 139]);

    const a = ds.getAnnotation(1);
    expect([a.imageId, a.width, a.height]).toEqual([139, 48, 32]);
    expect(Array.from(a.boxes)).toEqual([4, 6, 24, 16, 30, 10, 38, 22]);
    expect(Array.from(a.labels)).toEqual([3, 1]);
    expect(Array.from(a.difficult)).toEqual([0, 0]);

    const item = await ds.getItem(0);
    expect(item.imageId).toBe(285);
    expect([item.image.width, item.image.height]).toEqual([32, 48]);
    expect(Array.from(item.boxes)).toEqual([1.5, 2.5, 11.5, 22.5]);
    expect(Array.from(item.labels)).toEqual([2]);
    expect(ds.imageInfo(0).file_name).toBe('000000000285.jpg');
  });

  test('removeEmpty orders images by their first annotation, as pycocotools imgToAnns does', () => {
    const ds = new COCODataset({ dataDir, annFile, removeEmpty: true });
    expect(ds.ids).toEqual([139, 285]);
  });
});

describe('COCODataset on generated files', () => {
  const tmp = tempDir('coco');
  afterAll(tmp.cleanup);

  const write = (name: string, json: unknown) => {
    const file = path.join(tmp.dir, name);
    fs.writeFileSync(file, JSON.stringify(json));
    return file;
  };
  const image = (id: number) => ({ id, file_name: `${id}.jpg`, width: 10, height: 10 });

  test('training skips images without annotations but keeps crowd-only ones (reference remove_empty)', async () => {
    await writeJpeg(path.join(tmp.dir, '3.jpg'), 10, 10);
    const annFile = write('train.json', {
      images: [image(1), image(2), image(3)],
      categories: [{ id: 7, name: 'thing' }],
      annotations: [
        { image_id: 3, category_id: 7, bbox: [0, 0, 10, 10], iscrowd: 1 },
        { image_id: 1, category_id: 7, bbox: [1, 1, 0, 5], iscrowd: 0 },
        { image_id: 1, category_id: 7, bbox: [1, 1, 2, 5] },
      ],
    });
    const train = new COCODataset({ dataDir: tmp.dir, annFile, removeEmpty: true });
    expect(train.ids).toEqual([3, 1]);
    // Crowd boxes never reach training; zero-width boxes are dropped.
    expect(train.getTarget(0).labels).toHaveLength(0);
    expect(Array.from(train.getTarget(1).boxes)).toEqual([1, 1, 3, 6]);
    const test = new COCODataset({ dataDir: tmp.dir, annFile });
    expect(test.ids).toEqual([1, 2, 3]);
    expect(test.getAnnotation(1).labels).toHaveLength(0);
    // Evaluation sees the crowd region, flagged, and areas (the file's, else the box's).
    const crowd = test.getEvaluationAnnotation(2);
    expect(Array.from(crowd.iscrowd!)).toEqual([1]);
    expect(Array.from(crowd.area!)).toEqual([100]);
    expect(test.getAnnotation(2).labels).toHaveLength(0);
    expect(Array.from(test.getEvaluationAnnotation(0).iscrowd!)).toEqual([0]);
    expect((await train.getItem(0)).image.width).toBe(10);
  });

  test('errors name the file and the field', () => {
    const cases: [unknown, string][] = [
      [
        { images: [{ id: 1 }], categories: [{ id: 1, name: 'a' }] },
        "field 'images[0].file_name' is not a string",
      ],
      [
        {
          images: [image(1)],
          categories: [{ id: 1, name: 'a' }],
          annotations: [{ image_id: 1, category_id: 9, bbox: [0, 0, 1, 1] }],
        },
        "field 'annotations[0].category_id' 9 is not a category",
      ],
      [
        {
          images: [image(1)],
          categories: [{ id: 1, name: 'a' }],
          annotations: [{ image_id: 1, category_id: 1, bbox: [0, 0, 1] }],
        },
        "field 'annotations[0].bbox' is not 4 numbers",
      ],
      [
        {
          images: [image(1)],
          categories: [{ id: 1, name: 'a' }],
          annotations: [{ image_id: 5, category_id: 1, bbox: [0, 0, 1, 1] }],
        },
        "field 'annotations[0].image_id' 5 is not an image",
      ],
      [{ images: 3, categories: [{ id: 1, name: 'a' }] }, "field 'images' is not a list of objects"],
    ];
    cases.forEach(([json, message], i) => {
      const file = write(`bad${i}.json`, json);
      expect(() => new COCODataset({ dataDir: tmp.dir, annFile: file })).toThrow(
        `bad COCO file ${file}: ${message}`,
      );
    });
    const broken = path.join(tmp.dir, 'broken.json');
    fs.writeFileSync(broken, '{"images": [');
    expect(() => new COCODataset({ dataDir: tmp.dir, annFile: broken })).toThrow(`bad COCO file ${broken}`);
    const missing = path.join(tmp.dir, 'missing.json');
    expect(() => new COCODataset({ dataDir: tmp.dir, annFile: missing })).toThrow(missing);
  });

  test('class names must match the number of categories', () => {
    const annFile = write('cats.json', {
      images: [],
      categories: [
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ],
    });
    expect(new COCODataset({ dataDir: tmp.dir, annFile, classNames: ['x', 'y'] }).classNames).toEqual([
      '__background__',
      'x',
      'y',
    ]);
    expect(() => new COCODataset({ dataDir: tmp.dir, annFile, classNames: ['x'] })).toThrow(
      `COCO data set ${annFile}: 1 class names given for 2 categories`,
    );
  });
});
