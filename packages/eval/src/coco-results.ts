import * as fs from 'node:fs';
import type { ImagePredictions } from './types';

/** One detection in the COCO results JSON format; bbox is `[x, y, w, h]` in pixels. */
export interface CocoResult {
  image_id: number | string;
  category_id: number;
  bbox: [number, number, number, number];
  score: number;
}

/** Category id per contiguous label: `categoryIds[label]`, or the label itself when none are given. */
function categoryOf(categoryIds: readonly number[] | undefined, label: number): number {
  if (categoryIds === undefined) return label;
  const id = categoryIds[label];
  if (id === undefined) throw new Error(`categoryIds has no entry for label ${label}`);
  return id;
}

/** Predictions (paired with imageIds by index) as COCO results, boxes turned from corners to `[x, y, w, h]`. */
export function toCocoResults(
  predictions: readonly ImagePredictions[],
  imageIds: readonly (number | string)[],
  categoryIds?: readonly number[],
): CocoResult[] {
  if (imageIds.length !== predictions.length) {
    throw new Error(`imageIds has ${imageIds.length} entries but predictions has ${predictions.length}`);
  }
  const results: CocoResult[] = [];
  predictions.forEach(({ boxes, labels, scores }, i) => {
    for (let j = 0; j < labels.length; j++) {
      const x = boxes[4 * j];
      const y = boxes[4 * j + 1];
      results.push({
        image_id: imageIds[i],
        category_id: categoryOf(categoryIds, labels[j]),
        bbox: [x, y, boxes[4 * j + 2] - x, boxes[4 * j + 3] - y],
        score: scores[j],
      });
    }
  });
  return results;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * COCO results back to predictions aligned with imageIds (corner boxes, contiguous labels).
 * `source` names the data in error messages, e.g. the file it came from.
 */
export function fromCocoResults(
  results: unknown,
  imageIds: readonly (number | string)[],
  categoryIds?: readonly number[],
  source = 'results',
): ImagePredictions[] {
  if (!Array.isArray(results)) throw new Error(`${source} is not a JSON array of detections`);
  const imagePosition = new Map(imageIds.map((id, i) => [id, i]));
  // Label 0 is background and has no category.
  const labelOf = new Map((categoryIds ?? []).slice(1).map((id, i) => [id, i + 1]));
  const boxes: number[][] = imageIds.map(() => []);
  const labels: number[][] = imageIds.map(() => []);
  const scores: number[][] = imageIds.map(() => []);
  results.forEach((entry: Partial<Record<keyof CocoResult, unknown>>, n) => {
    const where = `${source}[${n}]`;
    const image = imagePosition.get(entry?.image_id as number | string);
    if (image === undefined)
      throw new Error(`${where}.image_id ${String(entry?.image_id)} is not an evaluated image`);
    const category = entry.category_id;
    const label = categoryIds === undefined ? category : labelOf.get(category as number);
    if (!isFiniteNumber(label) || !Number.isInteger(label)) {
      throw new Error(`${where}.category_id ${String(category)} is not a known category`);
    }
    const bbox = entry.bbox;
    if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every(isFiniteNumber)) {
      throw new Error(`${where}.bbox must be four finite numbers [x, y, w, h]`);
    }
    if (!isFiniteNumber(entry.score)) throw new Error(`${where}.score must be a finite number`);
    const [x, y, w, h] = bbox;
    boxes[image].push(x, y, x + w, y + h);
    labels[image].push(label);
    scores[image].push(entry.score);
  });
  return imageIds.map((_, i) => ({ boxes: boxes[i], labels: labels[i], scores: scores[i] }));
}

/** Writes COCO results JSON to file (through a temporary file, so a failed write leaves no partial file). */
export function writeCocoResults(file: string, results: readonly CocoResult[]): void {
  const temporary = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, JSON.stringify(results));
  fs.renameSync(temporary, file);
}

/** Reads a COCO results JSON file into predictions aligned with imageIds (see fromCocoResults). */
export function readCocoResults(
  file: string,
  imageIds: readonly (number | string)[],
  categoryIds?: readonly number[],
): ImagePredictions[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read COCO results ${file}: ${(error as Error).message}`);
  }
  return fromCocoResults(parsed, imageIds, categoryIds, file);
}
