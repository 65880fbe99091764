import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AnnotatedDataset, evaluateDataset, type ImageGroundTruth } from '../src';

/** Two images: a cat; a cat and a dog (the dog marked difficult). */
const IMAGES: ImageGroundTruth[] = [
  { imageId: 'a', boxes: [0, 0, 9, 9], labels: [1], difficult: [0] },
  { imageId: 'b', boxes: [20, 20, 39, 39, 50, 50, 59, 59], labels: [1, 2], difficult: [0, 1] },
];
const dataset: AnnotatedDataset = {
  length: IMAGES.length,
  classNames: ['__background__', 'cat', 'dog'],
  getEvaluationAnnotation: (i) => IMAGES[i]!,
};

test('gathered detections give VOC metrics and metrics.json, with no model', () => {
  const outputDir = path.join(mkdtempSync(path.join(tmpdir(), 'ssd-eval-')), 'voc');
  // Both cats found, a false cat ranked between them; the difficult dog is neither required nor penalised.
  const predictions = [
    { boxes: [0, 0, 9, 9], labels: [1], scores: [0.9] },
    { boxes: [60, 0, 69, 9, 20, 20, 39, 39, 50, 50, 59, 59], labels: [1, 1, 2], scores: [0.8, 0.7, 0.6] },
  ];
  const result = evaluateDataset(dataset, predictions, { format: 'voc', outputDir });
  // cat: precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1 → 11-point AP (6·1 + 5·2/3)/11; dog: no positives.
  const cat = (6 + 5 * (2 / 3)) / 11;
  expect(result.metrics.cat).toBeCloseTo(cat, 12);
  expect(result.metrics.dog).toBeNull();
  expect(JSON.parse(readFileSync(path.join(outputDir, 'metrics.json'), 'utf8'))).toEqual(result.metrics);
});

test('detections for another number of images than the data set has are refused', () => {
  expect(() => evaluateDataset(dataset, [], { format: 'voc' })).toThrow(
    'have detections for 0 images but the data set has 2',
  );
});
