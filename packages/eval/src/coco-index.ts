import type { ImageGroundTruth, ImagePredictions, NumberList } from './types';

/** Boxes in COCO form (`x, y, w, h`, pixels) with their areas, one entry per box. */
export interface BoxColumns {
  x: Float64Array;
  y: Float64Array;
  w: Float64Array;
  h: Float64Array;
  area: Float64Array;
}

/**
 * Ground truth and detections bucketed by (category, image): bucket `k * numImages + i` holds category
 * `k + 1` in the i-th image by id, and spans `start[bucket] .. start[bucket + 1]` of its columns.
 * Detections in a bucket are ranked by score (stable) and cut at the largest maxDets, as COCOeval does.
 */
export interface CocoIndex {
  numImages: number;
  numCategories: number;
  dets: BoxColumns & { score: Float64Array; rank: Int32Array; start: Int32Array };
  gts: BoxColumns & { crowd: Uint8Array; start: Int32Array };
}

interface ImageBoxes {
  boxes: NumberList;
  labels: NumberList;
}

/** Input positions ordered by image id, as COCOeval visits images; ids must be unique and of one type. */
function imageOrder(groundTruth: readonly ImageGroundTruth[]): number[] {
  const ids = groundTruth.map((gt, i) => gt.imageId ?? i);
  const kinds = new Set(ids.map((id) => typeof id));
  if (kinds.size > 1) throw new Error('groundTruth imageIds mix numbers and strings');
  const order = ids.map((_, i) => i).sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : a - b));
  for (let p = 1; p < order.length; p++) {
    if (ids[order[p]] === ids[order[p - 1]]) {
      throw new Error(
        `groundTruth[${order[p]}].imageId ${ids[order[p]]} repeats groundTruth[${order[p - 1]}]`,
      );
    }
  }
  return order;
}

/** Flat-id offsets per input image: box j of image i has flat id `offsets[i] + j`. */
function flatOffsets(images: readonly ImageBoxes[]): Int32Array {
  const offsets = new Int32Array(images.length + 1);
  images.forEach((image, i) => {
    offsets[i + 1] = offsets[i] + image.labels.length;
  });
  return offsets;
}

/** Box columns in input (flat-id) order; `area` overrides the box area where given. */
function flatColumns(
  images: readonly ImageBoxes[],
  total: number,
  areaOf: (i: number) => NumberList | undefined,
) {
  const columns: BoxColumns = {
    x: new Float64Array(total),
    y: new Float64Array(total),
    w: new Float64Array(total),
    h: new Float64Array(total),
    area: new Float64Array(total),
  };
  let id = 0;
  images.forEach(({ boxes, labels }, i) => {
    const area = areaOf(i);
    for (let j = 0; j < labels.length; j++, id++) {
      const x = boxes[4 * j];
      const y = boxes[4 * j + 1];
      // xywh exactly as in the results JSON, since the IoU adds x + w back.
      const w = boxes[4 * j + 2] - x;
      const h = boxes[4 * j + 3] - y;
      columns.x[id] = x;
      columns.y[id] = y;
      columns.w[id] = w;
      columns.h[id] = h;
      columns.area[id] = area === undefined ? w * h : area[j];
    }
  });
  return columns;
}

/** Flat ids bucketed by (category, image position) with a counting sort; input order kept within buckets. */
function bucketIds(
  images: readonly ImageBoxes[],
  offsets: Int32Array,
  order: readonly number[],
  numCategories: number,
) {
  const numImages = order.length;
  const start = new Int32Array(numCategories * numImages + 1);
  order.forEach((input, position) => {
    const { labels } = images[input];
    for (let j = 0; j < labels.length; j++) start[(labels[j] - 1) * numImages + position + 1]++;
  });
  for (let b = 0; b < numCategories * numImages; b++) start[b + 1] += start[b];
  const fill = start.slice(0, numCategories * numImages);
  const ids = new Int32Array(offsets[images.length]);
  order.forEach((input, position) => {
    const { labels } = images[input];
    for (let j = 0; j < labels.length; j++)
      ids[fill[(labels[j] - 1) * numImages + position]++] = offsets[input] + j;
  });
  return { start, ids };
}

function gatherColumns(source: BoxColumns, ids: ArrayLike<number>): BoxColumns {
  const pick = (column: Float64Array) => Float64Array.from(ids, (id) => column[id]);
  return {
    x: pick(source.x),
    y: pick(source.y),
    w: pick(source.w),
    h: pick(source.h),
    area: pick(source.area),
  };
}

/** Buckets ground truth and detections per (category, image) in COCOeval's visiting and ranking order. */
export function buildCocoIndex(
  numCategories: number,
  groundTruth: readonly ImageGroundTruth[],
  predictions: readonly ImagePredictions[],
  maxDetsPerImage: number,
): CocoIndex {
  const order = imageOrder(groundTruth);
  const numImages = order.length;

  const gtOffsets = flatOffsets(groundTruth);
  const gtFlat = flatColumns(groundTruth, gtOffsets[numImages], (i) => groundTruth[i].area);
  const gtBuckets = bucketIds(groundTruth, gtOffsets, order, numCategories);
  const crowdFlat = new Uint8Array(gtOffsets[numImages]);
  groundTruth.forEach((gt, i) => {
    for (let j = 0; j < gt.labels.length; j++) crowdFlat[gtOffsets[i] + j] = gt.iscrowd?.[j] ? 1 : 0;
  });
  const gts = {
    ...gatherColumns(gtFlat, gtBuckets.ids),
    crowd: Uint8Array.from(gtBuckets.ids, (id) => crowdFlat[id]),
    start: gtBuckets.start,
  };

  const detOffsets = flatOffsets(predictions);
  const detFlat = flatColumns(predictions, detOffsets[numImages], () => undefined);
  const scoreFlat = new Float64Array(detOffsets[numImages]);
  predictions.forEach((pred, i) => {
    for (let j = 0; j < pred.labels.length; j++) scoreFlat[detOffsets[i] + j] = pred.scores[j];
  });
  const detBuckets = bucketIds(predictions, detOffsets, order, numCategories);
  // Rank each bucket by score, ties in input order (a stable sort), and keep its first maxDetsPerImage.
  const numBuckets = numCategories * numImages;
  const keptStart = new Int32Array(numBuckets + 1);
  const kept: number[] = [];
  const rank: number[] = [];
  for (let b = 0; b < numBuckets; b++) {
    const bucket = detBuckets.ids.subarray(detBuckets.start[b], detBuckets.start[b + 1]);
    bucket.sort((p, q) => scoreFlat[q] - scoreFlat[p] || p - q);
    const n = Math.min(bucket.length, maxDetsPerImage);
    for (let r = 0; r < n; r++) {
      kept.push(bucket[r]);
      rank.push(r);
    }
    keptStart[b + 1] = kept.length;
  }
  const dets = {
    ...gatherColumns(detFlat, kept),
    score: Float64Array.from(kept, (id) => scoreFlat[id]),
    rank: Int32Array.from(rank),
    start: keptStart,
  };
  return { numImages, numCategories, dets, gts };
}
