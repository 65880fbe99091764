import * as path from 'node:path';
import { withBackground } from '@ssd/config';
import { cutText, InputFileError, readInputFile } from '@ssd/files';
import { DetectionDataset } from './base';
import type { Annotation, Target } from './types';

/** Options of a COCO style data set. */
export interface COCODatasetOptions {
  /** The folder the images' `file_name`s are relative to. */
  dataDir: string;
  /** The instances JSON file. */
  annFile: string;
  /** Class names (with or without a leading `__background__`), one per category in sorted-id order; default the file's category names. */
  classNames?: readonly string[];
  /** Keep only images that have annotations (the reference does so for training). */
  removeEmpty?: boolean;
}

interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
}

interface CocoObject {
  bbox: [number, number, number, number];
  label: number;
  iscrowd: boolean;
  /** The file's `area` (of the segment), else the box's. */
  area: number;
}

/** A data set described by a COCO instances JSON file. */
export class COCODataset extends DetectionDataset {
  readonly classNames: readonly string[];
  readonly dataDir: string;
  readonly annFile: string;
  readonly removeEmpty: boolean;
  /** COCO image ids, in data set order. */
  readonly ids: readonly number[];
  /** COCO category id of each contiguous label (index 0, background, is -1). */
  readonly contiguousToCategoryId: readonly number[];
  /** Contiguous label (1-based) of each COCO category id. */
  readonly categoryIdToContiguous: ReadonlyMap<number, number>;
  private readonly images = new Map<number, CocoImage>();
  private readonly objects = new Map<number, CocoObject[]>();

  constructor(options: COCODatasetOptions) {
    super();
    this.dataDir = options.dataDir;
    this.annFile = options.annFile;
    this.removeEmpty = options.removeEmpty ?? false;
    const json = readJson(this.annFile);
    const file = this.annFile;

    const categoryAt = new Map<number, number>();
    const categories = listField(json, 'categories', file).map((c, i) => {
      const where = `categories[${i}]`;
      const id = intField(c, 'id', file, where);
      const first = categoryAt.get(id);
      if (first !== undefined) {
        throw new Error(
          `bad COCO file ${file}: field '${where}.id' ${id} is listed twice (also categories[${first}]); each category needs its own id`,
        );
      }
      categoryAt.set(id, i);
      return { id, name: stringField(c, 'name', file, where) };
    });
    // Contiguous ids follow the sorted category ids, as the reference assigns them.
    categories.sort((a, b) => a.id - b.id);
    this.contiguousToCategoryId = [-1, ...categories.map((c) => c.id)];
    this.categoryIdToContiguous = new Map(categories.map((c, i) => [c.id, i + 1]));
    const names = options.classNames ?? categories.map((c) => c.name);
    this.classNames = withBackground(names, `COCO data set ${file}`);
    if (this.classNames.length !== categories.length + 1) {
      throw new Error(
        `COCO data set ${file}: ${this.classNames.length - 1} class names given for ${categories.length} categories`,
      );
    }

    const imageAt = new Map<number, number>();
    listField(json, 'images', file).forEach((img, i) => {
      const where = `images[${i}]`;
      const id = intField(img, 'id', file, where);
      if (this.images.has(id)) {
        const first = imageAt.get(id);
        throw new Error(
          `bad COCO file ${file}: field '${where}.id' ${id} is listed twice (also images[${first}]); annotations would go to the wrong image`,
        );
      }
      imageAt.set(id, i);
      this.images.set(id, {
        id,
        file_name: stringField(img, 'file_name', file, where),
        width: numberField(img, 'width', file, where),
        height: numberField(img, 'height', file, where),
      });
    });

    // Grouped in file order; the first annotation of each image fixes its place among the training ids.
    listField(json, 'annotations', file).forEach((ann, i) => {
      const where = `annotations[${i}]`;
      const imageId = intField(ann, 'image_id', file, where);
      if (!this.images.has(imageId))
        throw new Error(`bad COCO file ${file}: field '${where}.image_id' ${imageId} is not an image`);
      const categoryId = intField(ann, 'category_id', file, where);
      const label = this.categoryIdToContiguous.get(categoryId);
      if (label === undefined) {
        throw new Error(
          `bad COCO file ${file}: field '${where}.category_id' ${categoryId} is not a category`,
        );
      }
      const bbox = ann.bbox;
      if (
        !Array.isArray(bbox) ||
        bbox.length !== 4 ||
        !bbox.every((v) => typeof v === 'number' && Number.isFinite(v))
      ) {
        throw new Error(`bad COCO file ${file}: field '${where}.bbox' is not 4 numbers`);
      }
      const iscrowd = ann.iscrowd === undefined ? false : intField(ann, 'iscrowd', file, where) !== 0;
      let list = this.objects.get(imageId);
      if (!list) {
        list = [];
        this.objects.set(imageId, list);
      }
      const [, , w, h] = bbox as number[];
      const area = typeof ann.area === 'number' && Number.isFinite(ann.area) ? ann.area : w! * h!;
      list.push({ bbox: bbox as CocoObject['bbox'], label, iscrowd, area });
    });
    // The reference trains on images that have any annotation (crowd ones count), and tests on all.
    this.ids = this.removeEmpty ? [...this.objects.keys()] : [...this.images.keys()];
  }

  get length(): number {
    return this.ids.length;
  }

  imageId(index: number): number {
    this.checkIndex(index);
    return this.ids[index]!;
  }

  imagePath(index: number): string {
    return path.join(this.dataDir, this.images.get(this.imageId(index))!.file_name);
  }

  /** The image record (`id`, `file_name`, `width`, `height`) at `index`. */
  imageInfo(index: number): Readonly<CocoImage> {
    return this.images.get(this.imageId(index))!;
  }

  /** Non-crowd objects with positive width and height, boxes as corners (x1, y1, x1 + w, y1 + h). */
  getAnnotation(index: number): Annotation {
    return this.annotationOf(index, false);
  }

  /** As `getAnnotation`, plus the crowd regions (flagged in `iscrowd`) and every object's `area`. */
  override getEvaluationAnnotation(index: number): Annotation {
    return this.annotationOf(index, true);
  }

  private annotationOf(index: number, withCrowd: boolean): Annotation {
    const info = this.imageInfo(index);
    const kept = (this.objects.get(info.id) ?? []).filter(
      (o) => (withCrowd || !o.iscrowd) && o.bbox[2] > 0 && o.bbox[3] > 0,
    );
    const boxes = new Float32Array(kept.length * 4);
    const labels = new Int32Array(kept.length);
    kept.forEach((o, i) => {
      const [x, y, w, h] = o.bbox;
      boxes.set([x, y, x + w, y + h], i * 4);
      labels[i] = o.label;
    });
    const annotation: Annotation = {
      imageId: info.id,
      width: info.width,
      height: info.height,
      boxes,
      labels,
      difficult: new Uint8Array(kept.length),
    };
    if (withCrowd) {
      annotation.iscrowd = Uint8Array.from(kept, (o) => (o.iscrowd ? 1 : 0));
      annotation.area = Float32Array.from(kept, (o) => o.area);
    }
    return annotation;
  }

  getTarget(index: number): Target {
    const { boxes, labels } = this.getAnnotation(index);
    return { boxes, labels };
  }
}

type JsonObject = Record<string, unknown>;

/** The largest COCO file read: V8's longest string (COCO 2017's train instances take 450 MB). */
const MAX_COCO_BYTES = 2 ** 29 - 24;

function readJson(file: string): JsonObject {
  let text: string;
  try {
    text = readInputFile(file, { maxBytes: MAX_COCO_BYTES, what: 'COCO file' }).toString('utf8');
  } catch (err) {
    const why = err instanceof InputFileError ? err.reason : (err as Error).message;
    throw new Error(`cannot read COCO annotation file ${file}: it ${why}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`bad COCO file ${file}: ${cutText((err as Error).message)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`bad COCO file ${file}: not a JSON object`);
  }
  return json as JsonObject;
}

function listField(json: JsonObject, key: string, file: string): JsonObject[] {
  const list = json[key] ?? [];
  if (!Array.isArray(list) || !list.every((e) => typeof e === 'object' && e !== null)) {
    throw new Error(`bad COCO file ${file}: field '${key}' is not a list of objects`);
  }
  return list as JsonObject[];
}

function numberField(obj: JsonObject, key: string, file: string, where: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`bad COCO file ${file}: field '${where}.${key}' is not a number`);
  return v;
}

function intField(obj: JsonObject, key: string, file: string, where: string): number {
  const v = numberField(obj, key, file, where);
  if (!Number.isInteger(v))
    throw new Error(`bad COCO file ${file}: field '${where}.${key}' is not an integer`);
  return v;
}

function stringField(obj: JsonObject, key: string, file: string, where: string): string {
  const v = obj[key];
  if (typeof v !== 'string')
    throw new Error(`bad COCO file ${file}: field '${where}.${key}' is not a string`);
  return v;
}
