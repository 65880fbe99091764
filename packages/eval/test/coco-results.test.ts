import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ImagePredictions } from '../src';
import { fromCocoResults, readCocoResults, toCocoResults, writeCocoResults } from '../src';

const predictions: ImagePredictions[] = [
  { boxes: [10, 20, 50, 80, 0.5, 1.25, 100.5, 64], labels: [1, 2], scores: [0.9, 0.25] },
  { boxes: [], labels: [], scores: [] },
  { boxes: [3, 4, 7, 9], labels: [2], scores: [0.5] },
];
const imageIds = [139, 285, 632];
// contiguous label → COCO category id (label 0 is background)
const categoryIds = [0, 1, 3];

describe('COCO results JSON', () => {
  it('writes [{image_id, category_id, bbox: [x, y, w, h], score}] with mapped ids', () => {
    expect(toCocoResults(predictions, imageIds, categoryIds)).toEqual([
      { image_id: 139, category_id: 1, bbox: [10, 20, 40, 60], score: 0.9 },
      { image_id: 139, category_id: 3, bbox: [0.5, 1.25, 100, 62.75], score: 0.25 },
      { image_id: 632, category_id: 3, bbox: [3, 4, 4, 5], score: 0.5 },
    ]);
  });

  it('reads back what it wrote', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssd-eval-'));
    try {
      const file = path.join(dir, 'bbox.json');
      writeCocoResults(file, toCocoResults(predictions, imageIds, categoryIds));
      const back = readCocoResults(file, imageIds, categoryIds);
      expect(back).toEqual(
        predictions.map((p) => ({
          boxes: Array.from(p.boxes),
          labels: Array.from(p.labels),
          scores: Array.from(p.scores),
        })),
      );
      expect(fs.readdirSync(dir)).toEqual(['bbox.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps category ids as labels when no mapping is given', () => {
    const results = [{ image_id: 285, category_id: 2, bbox: [1, 2, 3, 4], score: 0.7 }];
    expect(fromCocoResults(results, imageIds)[1]).toEqual({
      boxes: [1, 2, 4, 6],
      labels: [2],
      scores: [0.7],
    });
  });

  it('names the file and entry at fault', () => {
    const bad = (entry: object) => () => fromCocoResults([entry], imageIds, categoryIds, 'bbox.json');
    const ok = { image_id: 139, category_id: 3, bbox: [0, 0, 1, 1], score: 0.5 };
    expect(bad({ ...ok, image_id: 1 })).toThrow('bbox.json[0].image_id 1 is not an evaluated image');
    expect(bad({ ...ok, category_id: 2 })).toThrow('bbox.json[0].category_id 2 is not a known category');
    expect(bad({ ...ok, bbox: [0, 0, 1] })).toThrow('bbox.json[0].bbox must be four finite numbers');
    expect(bad({ ...ok, score: 'high' })).toThrow('bbox.json[0].score must be a finite number');
    expect(() => fromCocoResults({}, imageIds)).toThrow('results is not a JSON array');
    expect(() => readCocoResults('/nonexistent/bbox.json', imageIds)).toThrow(
      'cannot read COCO results /nonexistent/bbox.json',
    );
  });
});
