import * as path from 'node:path';
import { VOC_CLASSES, withBackground } from '@ssd/config';
import { cutText, InputFileError, readInputFile } from '@ssd/files';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DetectionDataset } from './base';
import type { Annotation, Target } from './types';

/** Options of a Pascal VOC style data set. */
export interface VOCDatasetOptions {
  /** The folder holding JPEGImages/, Annotations/ and ImageSets/Main/. */
  dataDir: string;
  /** The split: ImageSets/Main/<split>.txt lists the image ids. */
  split: string;
  /** Class names (with or without a leading `__background__`); default VOC's 20. */
  classNames?: readonly string[];
  /** Keep objects marked difficult in `getTarget` (the reference keeps them for testing only). */
  keepDifficult?: boolean;
}

// Values stay strings so that every number is checked, and named, by us.
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (_name, jpath) => jpath === 'annotation.object',
});

type XmlNode = Record<string, unknown>;

/** The largest annotation read: a VOC XML file takes a kilobyte or two. */
const MAX_ANNOTATION_BYTES = 16 * 2 ** 20;

/** A text file a data set is described by: a regular file of at most `maxBytes`; errors name it. */
function readText(file: string, what: string, maxBytes?: number): string {
  try {
    return readInputFile(file, { maxBytes, what }).toString('utf8');
  } catch (err) {
    const why = err instanceof InputFileError ? err.reason : (err as Error).message;
    throw new Error(`cannot read ${what} ${file}: it ${why}`);
  }
}

/** A data set in Pascal VOC layout: `JPEGImages/<id>.jpg`, `Annotations/<id>.xml`, `ImageSets/Main/<split>.txt`. */
export class VOCDataset extends DetectionDataset {
  readonly classNames: readonly string[];
  readonly dataDir: string;
  readonly split: string;
  readonly keepDifficult: boolean;
  readonly ids: readonly string[];
  private readonly classIds: Map<string, number>;
  private readonly cache = new Map<number, Annotation>();

  constructor(options: VOCDatasetOptions) {
    super();
    this.dataDir = options.dataDir;
    this.split = options.split;
    this.keepDifficult = options.keepDifficult ?? false;
    this.classNames = withBackground(options.classNames ?? VOC_CLASSES, `VOC data set ${this.dataDir}`);
    // Annotations may spell names in any case; the reference lower-cases them.
    this.classIds = new Map(this.classNames.map((name, i) => [name.toLowerCase().trim(), i]));
    this.ids = readImageIds(path.join(this.dataDir, 'ImageSets', 'Main', `${this.split}.txt`));
  }

  get length(): number {
    return this.ids.length;
  }

  imageId(index: number): string {
    this.checkIndex(index);
    return this.ids[index]!;
  }

  imagePath(index: number): string {
    return path.join(this.dataDir, 'JPEGImages', `${this.imageId(index)}.jpg`);
  }

  /** The annotation XML file at `index`. */
  annotationPath(index: number): string {
    return path.join(this.dataDir, 'Annotations', `${this.imageId(index)}.xml`);
  }

  getAnnotation(index: number): Annotation {
    let ann = this.cache.get(index);
    if (!ann) {
      ann = this.parseAnnotation(index);
      this.cache.set(index, ann);
    }
    return ann;
  }

  getTarget(index: number): Target {
    const ann = this.getAnnotation(index);
    if (this.keepDifficult) return { boxes: ann.boxes.slice(), labels: ann.labels.slice() };
    const keep: number[] = [];
    ann.difficult.forEach((d, i) => {
      if (d === 0) keep.push(i);
    });
    const boxes = new Float32Array(keep.length * 4);
    const labels = new Int32Array(keep.length);
    keep.forEach((src, dst) => {
      boxes.set(ann.boxes.subarray(src * 4, src * 4 + 4), dst * 4);
      labels[dst] = ann.labels[src]!;
    });
    return { boxes, labels };
  }

  private parseAnnotation(index: number): Annotation {
    const file = this.annotationPath(index);
    const text = readText(file, 'annotation', MAX_ANNOTATION_BYTES);
    const valid = XMLValidator.validate(text);
    if (valid !== true) {
      throw new Error(`malformed annotation ${file}: ${cutText(valid.err.msg)} (line ${valid.err.line})`);
    }
    let parsed: XmlNode;
    try {
      // The parser refuses external entities and nesting deeper than it allows, naming neither the file.
      parsed = parser.parse(text) as XmlNode;
    } catch (err) {
      throw new Error(`malformed annotation ${file}: ${cutText((err as Error).message)}`);
    }
    const root = parsed.annotation;
    if (!isNode(root)) throw new Error(`malformed annotation ${file}: no <annotation> element`);
    const size = root.size;
    if (!isNode(size)) throw new Error(`malformed annotation ${file}: field 'size' is missing`);
    const width = readNumber(size, 'width', file, 'size');
    const height = readNumber(size, 'height', file, 'size');
    const objects = (root.object as unknown[] | undefined) ?? [];
    const n = objects.length;
    const boxes = new Float32Array(n * 4);
    const labels = new Int32Array(n);
    const difficult = new Uint8Array(n);
    objects.forEach((obj, i) => {
      const where = `object[${i}]`;
      if (!isNode(obj)) throw new Error(`malformed annotation ${file}: field '${where}' is empty`);
      const name = typeof obj.name === 'string' ? obj.name.toLowerCase().trim() : '';
      const label = this.classIds.get(name);
      if (label === undefined || label === 0) {
        throw new Error(
          `malformed annotation ${file}: field '${where}.name' is '${cutText(name)}', not one of the classes`,
        );
      }
      const bb = obj.bndbox;
      if (!isNode(bb)) throw new Error(`malformed annotation ${file}: field '${where}.bndbox' is missing`);
      // VOC counts pixels from 1 (Matlab); the reference shifts all four corners by one.
      const [x1, y1, x2, y2] = ['xmin', 'ymin', 'xmax', 'ymax'].map(
        (k) => readNumber(bb, k, file, `${where}.bndbox`) - 1,
      ) as [number, number, number, number];
      if (x2 < x1 || y2 < y1) {
        throw new Error(`malformed annotation ${file}: field '${where}.bndbox' has max below min`);
      }
      boxes.set([x1, y1, x2, y2], i * 4);
      labels[i] = label;
      // An absent or empty <difficult> counts as 0, as the reference reads an empty one.
      const d = obj.difficult;
      difficult[i] = d === undefined || d === '' ? 0 : readNumber(obj, 'difficult', file, where) ? 1 : 0;
    });
    return { imageId: this.imageId(index), width, height, boxes, labels, difficult };
  }
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function readNumber(node: XmlNode, key: string, file: string, where: string): number {
  const raw = node[key];
  // Decimal only, as the reference's float() reads it: Number() would also take '0x10' or '0b1'.
  const value = typeof raw === 'string' && DECIMAL.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value)) {
    throw new Error(
      `malformed annotation ${file}: field '${where}.${key}' is ${raw === undefined ? 'missing' : `'${cutText(String(raw))}'`}`,
    );
  }
  return value;
}

function readImageIds(file: string): string[] {
  const text = readText(file, 'image set');
  // VOC's list files hold one id per line; blank lines (e.g. a trailing one) carry no image.
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
