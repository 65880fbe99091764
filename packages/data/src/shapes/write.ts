import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { SHAPES_CLASSES } from '@ssd/config';
import { encodeImage } from '@ssd/image';
import { renderShapesImage, type ShapesImage } from './render';

/** Sizes and seed of a synthetic shapes data set. */
export interface ShapesDatasetOptions {
  /** Training images (default 500). */
  train?: number;
  /** Test images (default 100). */
  test?: number;
  /** Seed: the same seed writes the same files (default 0). */
  seed?: number;
}

/** What `writeShapesDataset` wrote. */
export interface ShapesDatasetSummary {
  dir: string;
  train: number;
  test: number;
  /** Objects written, difficult ones included. */
  objects: number;
  /** Class names, background at 0. */
  classNames: readonly string[];
}

/** File holding the object class names, one per line, beside the VOC folders. */
export const SHAPES_LABELS_FILE = 'labels.txt';

// JPEG encodes run on libvips threads; a few at a time keep them busy without holding every image in memory.
const IN_FLIGHT = 8;

/**
 * Writes the synthetic shapes data set in VOC layout under `outDir`: JPEGImages/, Annotations/,
 * ImageSets/Main/{train,test}.txt and labels.txt. Image i is drawn from (seed, i), so output is deterministic.
 */
export async function writeShapesDataset(
  outDir: string,
  options: ShapesDatasetOptions = {},
): Promise<ShapesDatasetSummary> {
  const train = options.train ?? 500;
  const test = options.test ?? 100;
  const seed = options.seed ?? 0;
  for (const [key, value] of Object.entries({ train, test, seed })) {
    if (!(Number.isSafeInteger(value) && value >= 0))
      throw new Error(`shapes data set: '${key}' must be a non-negative integer, got ${value}`);
  }
  const images = path.join(outDir, 'JPEGImages');
  const annotations = path.join(outDir, 'Annotations');
  const sets = path.join(outDir, 'ImageSets', 'Main');
  await Promise.all([images, annotations, sets].map((d) => fs.mkdir(d, { recursive: true })));

  const total = train + test;
  const ids = Array.from({ length: total }, (_, i) => String(i).padStart(6, '0'));
  let objects = 0;
  const writeOne = async (i: number) => {
    const id = ids[i]!;
    const image = renderShapesImage(seed, i);
    objects += image.objects.length;
    const jpeg = await encodeImage({ ...image, channels: 3 }, 'jpeg', { quality: 90 });
    await fs.writeFile(path.join(images, `${id}.jpg`), jpeg);
    await fs.writeFile(path.join(annotations, `${id}.xml`), annotationXml(id, image));
  };
  for (let start = 0; start < total; start += IN_FLIGHT) {
    const batch = [];
    for (let i = start; i < Math.min(total, start + IN_FLIGHT); i++) batch.push(writeOne(i));
    await Promise.all(batch);
  }
  const list = (from: number, to: number) =>
    ids
      .slice(from, to)
      .map((id) => `${id}\n`)
      .join('');
  await fs.writeFile(path.join(sets, 'train.txt'), list(0, train));
  await fs.writeFile(path.join(sets, 'test.txt'), list(train, total));
  await fs.writeFile(
    path.join(outDir, SHAPES_LABELS_FILE),
    SHAPES_CLASSES.slice(1)
      .map((c) => `${c}\n`)
      .join(''),
  );
  return { dir: outDir, train, test, objects, classNames: SHAPES_CLASSES };
}

/** Pascal VOC annotation XML for one image; pixel corners become VOC's 1-based coordinates. */
function annotationXml(id: string, image: ShapesImage): string {
  const objects = image.objects.map(
    (o) => `  <object>
    <name>${o.name}</name>
    <pose>Unspecified</pose>
    <truncated>0</truncated>
    <difficult>${o.difficult ? 1 : 0}</difficult>
    <bndbox>
      <xmin>${o.box[0] + 1}</xmin>
      <ymin>${o.box[1] + 1}</ymin>
      <xmax>${o.box[2] + 1}</xmax>
      <ymax>${o.box[3] + 1}</ymax>
    </bndbox>
  </object>
`,
  );
  return `<annotation>
  <folder>shapes</folder>
  <filename>${id}.jpg</filename>
  <size>
    <width>${image.width}</width>
    <height>${image.height}</height>
    <depth>3</depth>
  </size>
  <segmented>0</segmented>
${objects.join('')}</annotation>
`;
}
