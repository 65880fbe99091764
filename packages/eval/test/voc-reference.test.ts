import * as fs from 'node:fs';
import * as path from 'node:path';
import { REFERENCE_DIR as fixtureDir } from '@ssd-test/kit';
import type { ImageGroundTruth, ImagePredictions } from '../src';
import { evaluateDetections, evaluateVoc } from '../src';

interface FixtureImage {
  gt_boxes: number[];
  gt_labels: number[];
  gt_difficult: number[];
  pred_boxes: number[];
  pred_labels: number[];
  pred_scores: number[];
}

interface VocFixture {
  images: FixtureImage[];
  ap_voc07: (number | null)[];
  map_voc07: number;
  ap_area: (number | null)[];
  map_area: number;
}

const fixture: VocFixture = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'voc_eval.json'), 'utf8'));
const classNames = ['__background__', 'cat', 'dog', 'bird'];
const groundTruth: ImageGroundTruth[] = fixture.images.map((image) => ({
  boxes: image.gt_boxes,
  labels: image.gt_labels,
  difficult: image.gt_difficult,
}));
const predictions: ImagePredictions[] = fixture.images.map((image) => ({
  boxes: image.pred_boxes,
  labels: image.pred_labels,
  scores: image.pred_scores,
}));

function expectAps(actual: (number | null)[], expected: (number | null)[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, c) => {
    if (value === null) expect(actual[c]).toBeNull();
    else expect(Math.abs((actual[c] as number) - value)).toBeLessThan(1e-6);
  });
}

describe('VOC evaluation against the reference (30 images, 3 classes)', () => {
  it('matches per-class AP and mAP with the 2007 11-point metric', () => {
    const result = evaluateVoc(classNames, groundTruth, predictions, { metric: 'voc07' });
    expectAps(result.ap, fixture.ap_voc07);
    expect(Math.abs((result.mAP as number) - fixture.map_voc07)).toBeLessThan(1e-6);
  });

  it('matches per-class AP and mAP with the area metric', () => {
    const result = evaluateVoc(classNames, groundTruth, predictions, { metric: 'area' });
    expectAps(result.ap, fixture.ap_area);
    expect(Math.abs((result.mAP as number) - fixture.map_area)).toBeLessThan(1e-6);
  });

  it('uses the 11-point metric by default and reports it as {mAP, <class>: AP}', () => {
    const { metrics, table } = evaluateDetections({ format: 'voc', classNames, groundTruth, predictions });
    expect(Object.keys(metrics)).toEqual(['mAP', 'cat', 'dog', 'bird']);
    expect(metrics.mAP).toBeCloseTo(fixture.map_voc07, 10);
    expect(metrics.dog).toBeCloseTo(fixture.ap_voc07[2] as number, 10);
    expect(table.split('\n')[0]).toBe(`mAP: ${fixture.map_voc07.toFixed(4)}`);
    expect(table).toContain(`bird            : ${(fixture.ap_voc07[3] as number).toFixed(4)}`);
  });
});
