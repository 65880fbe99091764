import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';

/** A fresh temporary folder, removed by `cleanup`. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ssd-data-${prefix}-`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** One VOC object as the test writes it (1-based VOC coordinates). */
export interface VocObject {
  name: string;
  box: [number, number, number, number];
  difficult?: number;
}

/** Writes a solid-colour JPEG. */
export async function writeJpeg(
  file: string,
  width: number,
  height: number,
  rgb = { r: 90, g: 120, b: 200 },
) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp({ create: { width, height, channels: 3, background: rgb } })
    .jpeg()
    .toFile(file);
}

/** Writes a VOC annotation XML by hand (independently of the shapes writer). */
export function writeVocXml(file: string, width: number, height: number, objects: VocObject[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const body = objects
    .map(
      (o) =>
        `<object><name>${o.name}</name><difficult>${o.difficult ?? 0}</difficult><bndbox>` +
        `<xmin>${o.box[0]}</xmin><ymin>${o.box[1]}</ymin><xmax>${o.box[2]}</xmax><ymax>${o.box[3]}</ymax>` +
        '</bndbox></object>',
    )
    .join('\n');
  fs.writeFileSync(
    file,
    `<annotation><size><width>${width}</width><height>${height}</height><depth>3</depth></size>\n${body}\n</annotation>\n`,
  );
}

/** Writes a VOC split: images, annotations and ImageSets/Main/<split>.txt. */
export async function writeVocSplit(
  root: string,
  split: string,
  images: { id: string; width: number; height: number; objects: VocObject[] }[],
): Promise<void> {
  for (const img of images) {
    await writeJpeg(path.join(root, 'JPEGImages', `${img.id}.jpg`), img.width, img.height);
    writeVocXml(path.join(root, 'Annotations', `${img.id}.xml`), img.width, img.height, img.objects);
  }
  const sets = path.join(root, 'ImageSets', 'Main');
  fs.mkdirSync(sets, { recursive: true });
  fs.writeFileSync(path.join(sets, `${split}.txt`), images.map((i) => `${i.id}\n`).join(''));
}

/** The package's checked-in fixtures. */
export const FIXTURES = path.join(__dirname, 'fixtures');
export { DEMO_IMAGES_DIR as DEMO_IMAGES, REFERENCE_DIR as REFERENCE } from '@ssd-test/kit';
