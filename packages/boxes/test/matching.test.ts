import { assignPriors, buildPriors, centerFormToCornerForm, IOU_EPS, iouMatrix } from '../src';
import { PRIOR_CONFIGS, readFixture } from './fixtures';

const f32 = (values: number[]) => Float32Array.from(values);

describe('iouMatrix', () => {
  it('matches hand-computed overlaps, with the eps in the denominator', () => {
    const a = f32([0, 0, 1, 1]);
    const b = f32([0, 0, 1, 1, 0.5, 0, 1.5, 1, 2, 2, 3, 3, 0.2, 0.2, 0.2, 0.2]);
    const iou = iouMatrix(a, b);
    expect(iou.length).toBe(4);
    expect(iou[0]).toBeCloseTo(1 / (1 + IOU_EPS), 6);
    expect(iou[1]).toBeCloseTo(0.5 / (1.5 + IOU_EPS), 6);
    expect(iou[2]).toBe(0);
    expect(iou[3]).toBe(0); // an empty box overlaps nothing, and gives 0 rather than NaN
  });

  it('is a numA × numB matrix in row-major order', () => {
    const a = f32([0, 0, 1, 1, 0, 0, 0.5, 0.5]);
    const b = f32([0, 0, 0.5, 0.5, 0, 0, 1, 1, 0.75, 0.75, 1, 1]);
    const iou = iouMatrix(a, b);
    expect(iou.length).toBe(6);
    expect(iou[1 * 3 + 0]).toBeCloseTo(1, 4);
    expect(iou[0 * 3 + 2]).toBeCloseTo(0.0625, 4);
    expect(iou[1 * 3 + 2]).toBe(0);
  });
});

describe('assignPriors', () => {
  it('gives a prior tied between two targets to the first one', () => {
    // Prior 0 overlaps both halves equally; priors 1 and 2 are each half's best prior.
    const gt = f32([0, 0, 0.5, 1, 0.5, 0, 1, 1]);
    const priors = f32([0.25, 0, 0.75, 1, 0, 0, 0.5, 1, 0.5, 0, 1, 1]);
    const { labels, boxes } = assignPriors(gt, Int32Array.from([1, 2]), priors, 0.3);
    expect(Array.from(labels)).toEqual([1, 1, 2]);
    expect(Array.from(boxes)).toEqual([0, 0, 0.5, 1, 0, 0, 0.5, 1, 0.5, 0, 1, 1]);
  });

  it('keeps each target on its best prior even below the threshold, first prior on ties', () => {
    const gt = f32([0, 0, 1, 1]);
    const priors = f32([0, 0, 0.5, 1, 0.5, 0, 1, 1]); // both IoU 0.5
    const { labels } = assignPriors(gt, Int32Array.from([9]), priors, 0.6);
    expect(Array.from(labels)).toEqual([9, 0]);
  });

  it('lets the later target win a best prior that two targets share', () => {
    const gt = f32([0, 0, 1, 1, 0, 0, 0.9, 0.9]);
    const priors = f32([0, 0, 0.95, 0.95, 0.5, 0.5, 1, 1]);
    const { labels, boxes } = assignPriors(gt, Int32Array.from([3, 4]), priors, 0.5);
    // Prior 0 fits target 0 better (IoU 0.9025 vs 0.8975), but target 1 claims it last; prior 1 is background.
    expect(Array.from(labels)).toEqual([4, 0]);
    expect(Array.from(boxes.subarray(0, 4))).toEqual(Array.from(gt.subarray(4, 8)));
  });

  it('reproduces the reference labels on the SSD300 priors', () => {
    const fixture = readFixture<{
      matching_cases: { gt_boxes_xyxy: number[]; gt_labels: number[]; prior_labels: number[] }[];
    }>('box_coding_vgg_ssd300.json');
    const priorsCorner = centerFormToCornerForm(buildPriors(PRIOR_CONFIGS.vgg_ssd300_voc0712));
    for (const c of fixture.matching_cases) {
      const { labels } = assignPriors(f32(c.gt_boxes_xyxy), Int32Array.from(c.gt_labels), priorsCorner, 0.5);
      expect(Array.from(labels)).toEqual(c.prior_labels);
    }
  });

  it('names the mismatch between boxes and labels', () => {
    expect(() => assignPriors(f32([0, 0, 1, 1]), Int32Array.from([1, 2]), f32([0, 0, 1, 1]), 0.5)).toThrow(
      /gtBoxesCorner has 1 boxes but gtLabels has 2/,
    );
  });
});
