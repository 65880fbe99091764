import type { ImageGroundTruth, ImagePredictions } from '../src';
import { evaluateDetections, evaluateVoc } from '../src';

const classNames = ['__background__', 'a', 'b', 'c'];

function gt(boxes: number[][], labels: number[], difficult?: number[]): ImageGroundTruth {
  return { boxes: boxes.flat(), labels, difficult };
}

function pred(boxes: number[][], labels: number[], scores: number[]): ImagePredictions {
  return { boxes: boxes.flat(), labels, scores };
}

describe('VOC evaluation rules (hand-derived answers)', () => {
  it('measures boxes as inclusive pixels: [0,0,9,4] on [0,0,9,9] is IoU 50/100, a hit at 0.5', () => {
    // Without the +1 convention the IoU is 36/81 = 0.44, a miss, and AP would be 0.
    const groundTruth = [gt([[0, 0, 9, 9]], [1])];
    const predictions = [pred([[0, 0, 9, 4]], [1], [0.9])];
    expect(evaluateVoc(classNames, groundTruth, predictions).ap[1]).toBeCloseTo(1, 12);
    expect(evaluateVoc(classNames, groundTruth, predictions, { iouThreshold: 0.51 }).ap[1]).toBe(0);
  });

  it('counts a second hit on the same ground truth as a false positive', () => {
    // Ranked: TP (0.9), duplicate FP (0.8), TP (0.7) with 2 positives → recall [.5,.5,1], precision [1,.5,2/3].
    const groundTruth = [gt([[0, 0, 49, 49]], [1]), gt([[10, 10, 59, 59]], [1])];
    const predictions = [
      pred(
        [
          [0, 0, 49, 49],
          [1, 1, 49, 49],
        ],
        [1, 1],
        [0.9, 0.8],
      ),
      pred([[10, 10, 59, 59]], [1], [0.7]),
    ];
    // 11-point: six levels (0 … 0.5) at precision 1, five (0.6 … 1) at 2/3.
    expect(evaluateVoc(classNames, groundTruth, predictions).ap[1]).toBeCloseTo((6 + 5 * (2 / 3)) / 11, 12);
    // Area: 0.5 × 1 + 0.5 × 2/3.
    expect(evaluateVoc(classNames, groundTruth, predictions, { metric: 'area' }).ap[1]).toBeCloseTo(
      5 / 6,
      12,
    );
  });

  it('sends each detection to its best ground truth only, even when that one is already taken', () => {
    // Both detections overlap the first box best (IoU 1) and the second one too (IoU 0.8): the
    // second detection is a duplicate, not a hit on the free box. Recall 0.5, precision [1, 0.5].
    const groundTruth = [
      gt(
        [
          [0, 0, 9, 9],
          [0, 0, 9, 7],
        ],
        [1, 1],
      ),
    ];
    const predictions = [
      pred(
        [
          [0, 0, 9, 9],
          [0, 0, 9, 9],
        ],
        [1, 1],
        [0.9, 0.8],
      ),
    ];
    expect(evaluateVoc(classNames, groundTruth, predictions).ap[1]).toBeCloseTo(6 / 11, 12);
  });

  it('neither requires nor penalises difficult ground truth; classes without positives are null and out of the mean', () => {
    const groundTruth = [
      gt(
        [
          [0, 0, 49, 49],
          [100, 100, 149, 149],
          [200, 200, 249, 249],
          [300, 0, 349, 49],
        ],
        [1, 1, 2, 3],
        [1, 0, 1, 0],
      ),
    ];
    const predictions = [
      pred(
        [
          [0, 0, 49, 49],
          [100, 100, 149, 149],
          [200, 200, 249, 249],
        ],
        [1, 1, 2],
        [0.9, 0.8, 0.7],
      ),
    ];
    const { ap, mAP } = evaluateVoc(classNames, groundTruth, predictions);
    // Class a: the hit on the difficult box (ranked first) counts for nothing, the other is a TP → AP 1.
    expect(ap[1]).toBeCloseTo(1, 12);
    // Class b has only a difficult box: no positives, so no AP.
    expect(ap[2]).toBeNull();
    // Class c has a positive but no detection: AP 0, and it counts in the mean.
    expect(ap[3]).toBe(0);
    expect(mAP).toBeCloseTo(0.5, 12);
    const { metrics, table } = evaluateDetections({ format: 'voc', classNames, groundTruth, predictions });
    expect(metrics).toEqual({ mAP: expect.closeTo(0.5, 12), a: expect.closeTo(1, 12), b: null, c: 0 });
    expect(table).toBe(
      'mAP: 0.5000\na               : 1.0000\nb               : nan\nc               : 0.0000\n',
    );
  });

  it('gives a null mAP when no class has ground truth', () => {
    const { mAP, ap } = evaluateVoc(classNames, [gt([], [])], [pred([[0, 0, 9, 9]], [2], [0.5])]);
    expect(mAP).toBeNull();
    expect(ap).toEqual([null, null, null, null]);
  });

  it('names the culprit for inconsistent input', () => {
    const good = pred([[0, 0, 9, 9]], [1], [0.5]);
    expect(() => evaluateVoc(classNames, [gt([[0, 0, 9, 9]], [4])], [good])).toThrow(
      'groundTruth[0].labels[0] is 4, expected an integer class id in 1..3',
    );
    expect(() => evaluateVoc(classNames, [gt([[0, 0, 9, 9]], [1])], [pred([[0, 0, 9, 9]], [1], [])])).toThrow(
      'predictions[0].scores has length 0, expected 1',
    );
    expect(() => evaluateVoc(classNames, [], [good])).toThrow(
      'groundTruth has 0 images but predictions has 1',
    );
    expect(() =>
      evaluateDetections({
        format: 'kitti' as 'voc',
        classNames,
        groundTruth: [],
        predictions: [],
      }),
    ).toThrow("not supported: evaluation format 'kitti'");
  });
});
