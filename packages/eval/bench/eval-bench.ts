// Times COCO and VOC evaluation of 5,000 images × 100 detections over 80 classes (targets: 10 s, 2 s).
import { evaluateDetections } from '../src';
import { syntheticDetections } from './synthetic';

const NUM_IMAGES = 5000;
const DETS_PER_IMAGE = 100;
const NUM_CLASSES = 81;
const RUNS = 3;

const classNames = ['__background__', ...Array.from({ length: NUM_CLASSES - 1 }, (_, c) => `class${c + 1}`)];
const { groundTruth, predictions } = syntheticDetections({
  seed: 2024,
  numImages: NUM_IMAGES,
  numClasses: NUM_CLASSES,
  maxObjects: 14,
  detsPerImage: DETS_PER_IMAGE,
  scoreLevels: 1000,
});
const numObjects = groundTruth.reduce((n, gt) => n + gt.labels.length, 0);
console.log(
  `data: ${NUM_IMAGES} images, ${NUM_IMAGES * DETS_PER_IMAGE} detections, ${numObjects} objects, ${NUM_CLASSES - 1} classes`,
);

for (const [format, target] of [
  ['coco', 10],
  ['voc', 2],
] as const) {
  const times: number[] = [];
  let headline = '';
  for (let run = 0; run < RUNS; run++) {
    const start = process.hrtime.bigint();
    const { metrics } = evaluateDetections({ format, classNames, groundTruth, predictions });
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
    headline = format === 'coco' ? `AP ${metrics.AP?.toFixed(4)}` : `mAP ${metrics.mAP?.toFixed(4)}`;
  }
  const best = Math.min(...times);
  console.log(
    `${format}: best ${best.toFixed(3)} s of ${RUNS} (${times.map((t) => t.toFixed(3)).join(', ')}), ` +
      `target < ${target} s ${best < target ? 'met' : 'MISSED'}; ${headline}`,
  );
}
