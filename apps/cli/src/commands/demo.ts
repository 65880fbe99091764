import { readdirSync, realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { COCO_CLASSES, loadConfig, SHAPES_CLASSES, VOC_CLASSES } from '@ssd/config';
import { DEFAULT_QUEUE } from '@ssd/distributed';
import { Predictor, writeFileAtomic } from '@ssd/engine';
import { ImageError, writeImageFile } from '@ssd/image';
import { drawDetections } from '@ssd/viz';
import { Command, InvalidArgumentError, Option } from 'commander';
import { addCoordinatorOptions, type CoordinatorOptions } from '../distributed/coordinator';
import { runDistributedDemo } from '../distributed/demo';
import { checkComponentsRegistered } from '../registered';
import { type ResultEntry, resultEntry } from './demo-results';
import { CONFIG_FILE_HELP } from './options';

/** Class names (background first) by `--dataset_type`. */
export const CLASS_LISTS: Record<string, readonly string[]> = {
  voc: VOC_CLASSES,
  coco: COCO_CLASSES,
  shapes: SHAPES_CLASSES,
};

/** The images a folder is searched for, by name; what each really is is read from its bytes when decoded. */
const IMAGE_FILE = /\.(jpe?g|png|webp)$/i;

function score(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('--score_threshold must be a number in [0, 1]');
  return n;
}

/** `ssd demo --config-file F --ckpt C --images_dir D [--output_dir O --score_threshold 0.7 --dataset_type voc]`. */
export function demoCommand(): Command {
  const command = new Command('demo')
    .description(
      'detect objects in every JPEG/PNG/WebP of a folder; writes annotated copies and results.json',
    )
    .requiredOption('--config-file <file>', CONFIG_FILE_HELP)
    .requiredOption(
      '--ckpt <checkpoint>',
      'checkpoint: ours, a reference .pth, an exported .onnx (run on ONNX Runtime), an http(s) URL, or a model zoo name (see `ssd models`)',
    )
    .requiredOption('--images_dir <dir>', 'folder of images')
    .option('--output_dir <dir>', 'where annotated images and results.json go (default: <images_dir>/result)')
    .option('--score_threshold <s>', 'keep detections scoring at least this', score, 0.7)
    .addOption(
      new Option('--dataset_type <type>', 'class names to use')
        .choices(Object.keys(CLASS_LISTS))
        .default('voc'),
    )
    .argument('[overrides...]', 'KEY VALUE config overrides');
  return addCoordinatorOptions(command).action(async (overrides: string[], opts: DemoOptions) => {
    await runDemo(overrides, opts);
  });
}

/** Options of `runDemo`, as the command line gives them (`--redis` and its kin: run on `ssd worker`s). */
export interface DemoOptions extends Partial<CoordinatorOptions> {
  configFile: string;
  ckpt: string;
  images_dir: string;
  output_dir?: string;
  score_threshold: number;
  dataset_type: string;
}

/**
 * Whether `e` is the decoder's refusal of an image (by class, or by name where a package manager installed a
 * second copy of @ssd/image for @ssd/engine): anything else a detection throws is the model's fault.
 */
function isImageError(e: unknown): e is Error {
  return e instanceof ImageError || (e instanceof Error && e.name === 'ImageError');
}

/** The folder's real path (links resolved) when it exists, else its absolute path. */
function realFolder(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/**
 * Runs the demo: detections drawn on every image of a folder, plus results.json. An image that cannot
 * be read (not a JPEG, PNG or WebP by its bytes, not a regular file, damaged) is reported and skipped;
 * after the rest are done (results.json written) the run fails naming every such image. A fault of the
 * model itself stops the run at that image: results.json is written for the images done before it, and
 * the error names the model's fault and the image.
 */
export async function runDemo(overrides: string[], opts: DemoOptions): Promise<void> {
  const cfg = loadConfig(opts.configFile, overrides);
  checkComponentsRegistered(cfg);
  let files: string[];
  try {
    files = readdirSync(opts.images_dir)
      .filter((f) => IMAGE_FILE.test(f))
      .sort();
  } catch (e) {
    throw new Error(`cannot read --images_dir ${opts.images_dir}: ${(e as Error).message}`);
  }
  if (files.length === 0) throw new Error(`no JPEG, PNG or WebP images in ${opts.images_dir}`);
  const outputDir = opts.output_dir ?? path.join(opts.images_dir, 'result');
  if (realFolder(outputDir) === realFolder(opts.images_dir)) {
    throw new Error(
      `--output_dir ${outputDir} is the --images_dir: the annotated images would overwrite the originals; choose another folder`,
    );
  }
  await mkdir(outputDir, { recursive: true });
  const classNames = CLASS_LISTS[opts.dataset_type]!;
  if (opts.redis) {
    await runDistributedDemo(
      cfg,
      { ...opts, redis: opts.redis, queue: opts.queue ?? DEFAULT_QUEUE, shardSize: opts.shardSize ?? 64 },
      classNames,
      files,
      outputDir,
      (results, unreadable) => finishDemo(opts.images_dir, outputDir, files.length, results, unreadable),
    );
    return;
  }

  const predictor = await Predictor.load(cfg, opts.ckpt, classNames);
  const results: ResultEntry[] = [];
  const unreadable: string[] = [];
  let modelFault: ModelFault | undefined;
  try {
    const width = Math.max(4, String(files.length).length);
    const n = (k: number) => String(k).padStart(width, '0');
    for (const [i, name] of files.entries()) {
      let r: Awaited<ReturnType<Predictor['detectFile']>>;
      try {
        r = await predictor.detectFile(path.join(opts.images_dir, name), opts.score_threshold);
      } catch (e) {
        if (!isImageError(e)) {
          modelFault = { name, at: i + 1, error: e as Error };
          break;
        }
        console.error(`(${n(i + 1)}/${n(files.length)}) ${name}: skipped: ${e.message}`);
        unreadable.push(name);
        continue;
      }
      const drawn = drawDetections(
        { data: r.image.data, width: r.width, height: r.height, channels: 3 },
        r.objects,
      );
      await writeImageFile(drawn, path.join(outputDir, name));
      results.push(resultEntry(name, r));
      console.log(
        `(${n(i + 1)}/${n(files.length)}) ${name}: objects ${String(r.objects.length).padStart(2, '0')} | ` +
          `load ${String(Math.round(r.loadMs)).padStart(3, '0')}ms | inference ${String(Math.round(r.inferenceMs)).padStart(3, '0')}ms | ` +
          `FPS ${Math.round(1000 / Math.max(r.inferenceMs, 1e-3))}`,
      );
    }
  } finally {
    predictor.dispose();
  }
  finishDemo(opts.images_dir, outputDir, files.length, results, unreadable, modelFault);
}

/** The image at which the model failed (1-based `at`), stopping the run there. */
interface ModelFault {
  name: string;
  at: number;
  error: Error;
}

/**
 * Writes results.json; then fails naming the model's fault, if the run stopped at one, else the images that
 * could not be read, if any.
 */
function finishDemo(
  imagesDir: string,
  outputDir: string,
  count: number,
  results: readonly ResultEntry[],
  unreadable: readonly string[],
  modelFault?: ModelFault,
): void {
  writeFileAtomic(path.join(outputDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`Annotated images and results.json are in ${outputDir}`);
  if (modelFault) {
    const { name, at, error } = modelFault;
    throw new Error(
      `the model failed on ${name} (image ${at} of ${count}), so the run stopped there; results.json holds the ${results.length} image(s) done before it: ${error.message}`,
    );
  }
  if (unreadable.length > 0) {
    throw new Error(
      `${unreadable.length} of ${count} images in ${imagesDir} could not be read (see above): ${unreadable.join(', ')}`,
    );
  }
}
