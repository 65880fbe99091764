import { syntheticDetections } from '../bench/synthetic';
import type { CocoEvaluation, ImageGroundTruth, ImagePredictions } from '../src';
import { evaluateCoco, evaluateDetections, IOU_THRESHOLDS } from '../src';
import { naiveCocoStats } from './naive-coco';

const classNames = ['__background__', 'person', 'car'];
const KEYS = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl'];

function gt(boxes: number[][], labels: number[], extra: Partial<ImageGroundTruth> = {}): ImageGroundTruth {
  return { boxes: boxes.flat(), labels, ...extra };
}

function pred(boxes: number[][], labels: number[], scores: number[]): ImagePredictions {
  return { boxes: boxes.flat(), labels, scores };
}

/** Mean of the defined precision entries at one IoU threshold (all categories, all areas, 100 dets). */
function apAtThreshold({ curves }: CocoEvaluation, t: number): number {
  const { R, K, A, M } = curves.dims;
  let sum = 0;
  let count = 0;
  for (let r = 0; r < R; r++) {
    for (let k = 0; k < K; k++) {
      const value = curves.precision[(((t * R + r) * K + k) * A + 0) * M + (M - 1)];
      if (value > -1) {
        sum += value;
        count++;
      }
    }
  }
  return sum / count;
}

describe('COCO evaluation (hand-derived answers)', () => {
  it('scores perfect detections of every size 1.0 on all twelve metrics', () => {
    const groundTruth = [
      gt(
        [
          [0, 0, 20, 20],
          [50, 50, 100, 100],
        ],
        [1, 2],
      ),
      gt([[10, 10, 210, 160]], [1]),
      gt([[5, 5, 45, 45]], [2]),
    ];
    const predictions = groundTruth.map((image, i) =>
      pred(
        Array.from({ length: image.labels.length }, (_, j) =>
          Array.from(image.boxes).slice(4 * j, 4 * j + 4),
        ),
        Array.from(image.labels),
        Array.from(image.labels, (_, j) => 0.5 + 0.1 * i + 0.01 * j),
      ),
    );
    const { stats, categoryAP } = evaluateCoco(classNames, groundTruth, predictions);
    for (const key of KEYS) expect(stats[key]).toBeCloseTo(1, 12);
    expect(categoryAP).toEqual([null, expect.closeTo(1, 12), expect.closeTo(1, 12)]);
  });

  it.each([
    [50, 1],
    [62, 3],
    [75, 6],
    [80, 7],
    [96, 10],
  ])('a single detection of IoU %i/100 is a hit at the %i thresholds up to it', (height, hits) => {
    // Ground truth 100×100 (large); the detection shares its top edge, so IoU = height / 100.
    const groundTruth = [gt([[0, 0, 100, 100]], [1])];
    const predictions = [pred([[0, 0, 100, height]], [1], [0.9])];
    const result = evaluateCoco(classNames, groundTruth, predictions);
    expect(result.stats.AP).toBeCloseTo(hits / 10, 12);
    expect(result.stats.AP50).toBeCloseTo(1, 12);
    expect(result.stats.AP75).toBeCloseTo(height >= 75 ? 1 : 0, 12);
    expect(result.stats.APl).toBeCloseTo(hits / 10, 12);
    expect(result.stats.AR100).toBeCloseTo(hits / 10, 12);
    // No small or medium ground truth anywhere: undefined, like COCOeval's -1.
    expect(result.stats.APs).toBeNull();
    expect(result.stats.APm).toBeNull();
    for (let t = 0; t < IOU_THRESHOLDS.length; t++)
      expect(apAtThreshold(result, t)).toBeCloseTo(t < hits ? 1 : 0, 12);
  });

  it('ignores detections on crowd regions, any number of them, scoring overlap by the detection area', () => {
    const groundTruth = [
      gt(
        [
          [0, 0, 100, 100],
          [200, 0, 400, 200],
        ],
        [1, 1],
        { iscrowd: [0, 1] },
      ),
    ];
    const predictions = [
      pred(
        [
          [150, 0, 250, 100], // half inside the crowd: crowd IoU 5000/10000 = 0.5
          [300, 100, 350, 150], // inside the crowd
          [250, 50, 300, 100], // inside the crowd too: crowds are never used up
          [0, 0, 100, 100], // the one real object
        ],
        [1, 1, 1, 1],
        [0.99, 0.96, 0.95, 0.9],
      ),
    ];
    const result = evaluateCoco(classNames, groundTruth, predictions);
    // At IoU 0.5 everything but the true positive is ignored → AP 1. Above, the half-in detection is
    // a false positive ranked first: precision 0.5 at every recall → AP 0.5.
    expect(result.stats.AP50).toBeCloseTo(1, 12);
    expect(result.stats.AP75).toBeCloseTo(0.5, 12);
    expect(result.stats.AP).toBeCloseTo((1 + 9 * 0.5) / 10, 12);
    expect(result.stats.AR100).toBeCloseTo(1, 12);
    // Category 'car' has no ground truth at all.
    expect(result.categoryAP[2]).toBeNull();
  });

  it('splits by ground-truth area and ignores unmatched detections outside the range', () => {
    const groundTruth = [
      gt(
        [
          [0, 0, 20, 20], // small (400)
          [100, 100, 150, 150], // medium (2500), never detected
          [200, 200, 320, 320], // large (14400)
        ],
        [1, 1, 1],
      ),
    ];
    const predictions = [
      pred(
        [
          [500, 500, 510, 510], // small false positive (area 100)
          [0, 0, 20, 20],
          [200, 200, 320, 320],
        ],
        [1, 1, 1],
        [0.95, 0.9, 0.8],
      ),
    ];
    const { stats } = evaluateCoco(classNames, groundTruth, predictions);
    // small: FP then TP (the large hit goes to ignored ground truth) → precision 0.5 everywhere.
    expect(stats.APs).toBeCloseTo(0.5, 12);
    expect(stats.ARs).toBeCloseTo(1, 12);
    // medium: the only object is missed and every detection is ignored → 0.
    expect(stats.APm).toBe(0);
    expect(stats.ARm).toBe(0);
    // large: the small FP lies outside the range and is ignored → 1.
    expect(stats.APl).toBeCloseTo(1, 12);
    expect(stats.ARl).toBeCloseTo(1, 12);
    // all: FP, TP, TP over 3 objects → precision 2/3 up to recall 2/3: levels 0.00 … 0.66 are 67 of 101.
    expect(stats.AP).toBeCloseTo((67 * (2 / 3)) / 101, 12);
    expect(stats.AR100).toBeCloseTo(2 / 3, 12);
  });

  it('counts only the top maxDets detections per image', () => {
    const groundTruth = [gt([[0, 0, 50, 50]], [1]), gt([[0, 0, 50, 50]], [1])];
    const predictions = [
      // image 0: a miss outscores the hit
      pred(
        [
          [300, 300, 350, 350],
          [0, 0, 50, 50],
        ],
        [1, 1],
        [0.9, 0.8],
      ),
      // image 1: the hit is on top
      pred([[0, 0, 50, 50]], [1], [0.7]),
    ];
    const { stats } = evaluateCoco(classNames, groundTruth, predictions);
    expect(stats.AR1).toBeCloseTo(0.5, 12);
    expect(stats.AR10).toBeCloseTo(1, 12);
    expect(stats.AR100).toBeCloseTo(1, 12);
  });

  it.each([
    [99, 1, 0.01],
    [100, 0, 0],
  ])('with %i stronger misses in one image, the hit counts %i times (AP %f)', (misses, found, ap) => {
    const boxes = Array.from({ length: misses }, (_, i) => [200 + i, 200, 230 + i, 230]);
    const groundTruth = [gt([[0, 0, 50, 50]], [1])];
    const predictions = [
      pred(
        [...boxes, [0, 0, 50, 50]],
        Array(misses + 1).fill(1),
        Array.from({ length: misses + 1 }, (_, i) => 1 - i / 1000),
      ),
    ];
    const { stats } = evaluateCoco(classNames, groundTruth, predictions);
    expect(stats.AR100).toBeCloseTo(found, 12);
    expect(stats.AR10).toBe(0);
    // Recall 1 is reached only after 100 detections: precision 1/100 at every level.
    expect(stats.AP).toBeCloseTo(ap, 12);
  });

  it('reports the stats plus AP-<class> as metrics and prints the summary', () => {
    const groundTruth = [gt([[0, 0, 100, 100]], [1])];
    const predictions = [pred([[0, 0, 100, 75]], [1], [0.9])];
    const { metrics, table } = evaluateDetections({ format: 'coco', classNames, groundTruth, predictions });
    expect(Object.keys(metrics)).toEqual([...KEYS, 'AP-person', 'AP-car']);
    expect(metrics['AP-person']).toBeCloseTo(0.6, 12);
    expect(metrics['AP-car']).toBeNull();
    const lines = table.split('\n');
    expect(lines[0]).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.600');
    expect(lines[3]).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = -1.000');
    expect(lines[6]).toBe(' Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.600');
    expect(table).toContain('person          : 0.6000');
    expect(table).toContain('car             : nan');
  });

  it('rejects repeated image ids', () => {
    const image = gt([[0, 0, 10, 10]], [1], { imageId: 7 });
    expect(() => evaluateCoco(classNames, [image, image], [pred([], [], []), pred([], [], [])])).toThrow(
      'groundTruth[1].imageId 7 repeats groundTruth[0]',
    );
  });
});

describe('COCO evaluation on a random case', () => {
  const numClasses = 6;
  const { groundTruth, predictions } = syntheticDetections({
    seed: 1234,
    numImages: 300,
    numClasses,
    maxObjects: 5,
    scoreLevels: 20,
  });
  const result = evaluateCoco(['bg', 'a', 'b', 'c', 'd', 'e'], groundTruth, predictions);

  it('agrees with a literal, unoptimised restatement of COCOeval on every stat', () => {
    const naive = naiveCocoStats(numClasses, groundTruth, predictions);
    KEYS.forEach((key, i) => {
      expect(result.stats[key]).not.toBeNull();
      expect(Math.abs((result.stats[key] as number) - naive[i])).toBeLessThan(1e-12);
    });
  });

  it('is internally consistent', () => {
    const { stats } = result;
    const perThreshold = IOU_THRESHOLDS.map((_, t) => apAtThreshold(result, t));
    for (let t = 1; t < perThreshold.length; t++)
      expect(perThreshold[t]).toBeLessThanOrEqual(perThreshold[t - 1]);
    expect(stats.AP50).toBeCloseTo(perThreshold[0], 12);
    expect(stats.AP75).toBeCloseTo(perThreshold[5], 12);
    expect(stats.AP50 as number).toBeGreaterThanOrEqual(stats.AP75 as number);
    expect(stats.AP as number).toBeLessThanOrEqual(stats.AP50 as number);
    expect(stats.AP as number).toBeGreaterThanOrEqual(perThreshold[9]);
    expect(stats.AR1 as number).toBeLessThanOrEqual(stats.AR10 as number);
    expect(stats.AR10 as number).toBeLessThanOrEqual(stats.AR100 as number);
    for (const key of KEYS) {
      expect(stats[key] as number).toBeGreaterThan(0);
      expect(stats[key] as number).toBeLessThan(1);
    }
  });
});
