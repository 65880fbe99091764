import * as fs from 'node:fs';
import * as path from 'node:path';
import { VOC_CLASSES } from '@ssd/config';
import { VOCDataset } from '../src';
import { FIXTURES, tempDir, writeVocSplit, writeVocXml } from './helpers';

const label = (name: string) => VOC_CLASSES.indexOf(name);

describe('VOCDataset on the checked-in sample', () => {
  const dataDir = path.join(FIXTURES, 'voc');

  test('reads ids, classes and 0-based boxes; drops difficult objects for training', async () => {
    const ds = new VOCDataset({ dataDir, split: 'test' });
    expect(ds.length).toBe(2);
    expect(ds.classNames).toEqual(VOC_CLASSES);
    expect(ds.classNames).toHaveLength(21);
    expect(ds.imageId(1)).toBe('000002');

    const ann = ds.getAnnotation(0);
    expect([ann.width, ann.height]).toEqual([40, 30]);
    // VOC's 1-based (5, 3, 30, 25) and (1, 1, 8, 12), shifted by one.
    expect(Array.from(ann.boxes)).toEqual([4, 2, 29, 24, 0, 0, 7, 11]);
    expect(Array.from(ann.labels)).toEqual([label('dog'), label('person')]);
    expect(Array.from(ann.difficult)).toEqual([0, 1]);

    const target = ds.getTarget(0);
    expect(Array.from(target.boxes)).toEqual([4, 2, 29, 24]);
    expect(Array.from(target.labels)).toEqual([label('dog')]);

    const item = await ds.getItem(1);
    expect(item.imageId).toBe('000002');
    expect([item.image.width, item.image.height]).toEqual([30, 40]);
    expect(item.image.data.length).toBe(30 * 40 * 3);
    // An empty <difficult> counts as not difficult; fractional corners are kept.
    expect(Array.from(item.boxes)).toEqual([1.5, 9, 27, 38]);
    expect(Array.from(item.labels)).toEqual([label('train')]);
  });

  test('keeps difficult objects when asked (evaluation)', () => {
    const ds = new VOCDataset({ dataDir, split: 'test', keepDifficult: true });
    expect(Array.from(ds.getTarget(0).labels)).toEqual([label('dog'), label('person')]);
  });
});

describe('VOCDataset on generated files', () => {
  const tmp = tempDir('voc');
  afterAll(tmp.cleanup);

  test('user class names, with or without background, and case-insensitive names', async () => {
    const root = path.join(tmp.dir, 'user');
    await writeVocSplit(root, 'train', [
      { id: 'a', width: 20, height: 10, objects: [{ name: ' Cat ', box: [1, 2, 3, 4] }] },
      { id: 'b', width: 12, height: 14, objects: [] },
    ]);
    for (const classNames of [
      ['cat', 'hat'],
      ['__background__', 'cat', 'hat'],
    ]) {
      const ds = new VOCDataset({ dataDir: root, split: 'train', classNames });
      expect(ds.classNames).toEqual(['__background__', 'cat', 'hat']);
      expect(Array.from(ds.getAnnotation(0).labels)).toEqual([1]);
      expect(ds.getTarget(1).labels).toHaveLength(0);
      expect(ds.getTarget(1).boxes).toHaveLength(0);
    }
  });

  test('errors name the file and the field', async () => {
    const root = path.join(tmp.dir, 'bad');
    await writeVocSplit(root, 'train', [
      { id: 'broken', width: 20, height: 10, objects: [] },
      { id: 'nobox', width: 20, height: 10, objects: [] },
      { id: 'alien', width: 20, height: 10, objects: [{ name: 'alien', box: [1, 1, 5, 5] }] },
      { id: 'nan', width: 20, height: 10, objects: [{ name: 'dog', box: [1, 1, 5, 5] }] },
      { id: 'nosize', width: 20, height: 10, objects: [] },
    ]);
    const ann = (id: string) => path.join(root, 'Annotations', `${id}.xml`);
    fs.writeFileSync(ann('broken'), '<annotation><size><width>3</width></size><object></annotation>');
    fs.writeFileSync(
      ann('nobox'),
      '<annotation><size><width>3</width><height>4</height></size><object><name>dog</name></object></annotation>',
    );
    fs.writeFileSync(
      ann('nan'),
      fs.readFileSync(ann('nan'), 'utf8').replace('<xmax>5</xmax>', '<xmax>five</xmax>'),
    );
    fs.writeFileSync(ann('nosize'), '<annotation><object><name>dog</name></object></annotation>');
    const ds = new VOCDataset({ dataDir: root, split: 'train' });

    expect(() => ds.getAnnotation(0)).toThrow(`malformed annotation ${ann('broken')}`);
    expect(() => ds.getAnnotation(1)).toThrow(`${ann('nobox')}: field 'object[0].bndbox' is missing`);
    expect(() => ds.getAnnotation(2)).toThrow(`${ann('alien')}: field 'object[0].name' is 'alien'`);
    expect(() => ds.getAnnotation(3)).toThrow(`${ann('nan')}: field 'object[0].bndbox.xmax' is 'five'`);
    expect(() => ds.getAnnotation(4)).toThrow(`${ann('nosize')}: field 'size' is missing`);
    expect(() => ds.getAnnotation(5)).toThrow('index 5 out of range');
  });

  test('a missing annotation, image set or image names the file', async () => {
    const root = path.join(tmp.dir, 'missing');
    await writeVocSplit(root, 'train', [{ id: 'x', width: 8, height: 8, objects: [] }]);
    expect(() => new VOCDataset({ dataDir: root, split: 'val' })).toThrow(
      path.join(root, 'ImageSets', 'Main', 'val.txt'),
    );
    const ds = new VOCDataset({ dataDir: root, split: 'train' });
    fs.rmSync(path.join(root, 'JPEGImages', 'x.jpg'));
    await expect(ds.getItem(0)).rejects.toThrow(path.join(root, 'JPEGImages', 'x.jpg'));
    fs.rmSync(path.join(root, 'Annotations', 'x.xml'));
    const fresh = new VOCDataset({ dataDir: root, split: 'train' });
    expect(() => fresh.getAnnotation(0)).toThrow(
      `cannot read annotation ${path.join(root, 'Annotations', 'x.xml')}`,
    );
  });

  test('a corrupt JPEG fails getItem with the file name', async () => {
    const root = path.join(tmp.dir, 'corrupt');
    await writeVocSplit(root, 'train', [{ id: 'c', width: 8, height: 8, objects: [] }]);
    const file = path.join(root, 'JPEGImages', 'c.jpg');
    fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 60));
    writeVocXml(path.join(root, 'Annotations', 'c.xml'), 8, 8, []);
    const ds = new VOCDataset({ dataDir: root, split: 'train' });
    await expect(ds.getItem(0)).rejects.toThrow(`cannot decode image ${file}`);
  });
});
