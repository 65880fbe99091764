import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '@ssd/config';
import { writeShapesDataset } from '@ssd/data';
import { runTraining } from '@ssd/trainer';
import { Command } from 'commander';
import { checkComponentsRegistered } from '../registered';
import { runDemo } from './demo';
import { CONFIG_FILE_HELP, positiveInt } from './options';

/** The quick start's config: the one @ssd/config ships, so that the quick start runs outside the repository. */
const CONFIG = 'quickstart_mobilenet_v2_ssdlite_shapes';

interface QuickstartOptions {
  configFile: string;
  dataDir: string;
  trainImages: number;
  demoImages: number;
}

/** `ssd quickstart`: makes the shapes data if missing, trains, evaluates and runs the demo. */
export function quickstartCommand(): Command {
  return new Command('quickstart')
    .description('make the built-in shapes data (if missing), train a detector on it, evaluate, run the demo')
    .option('--config-file <file>', CONFIG_FILE_HELP, CONFIG)
    .option(
      '--data_dir <dir>',
      'where the shapes data set lives ($SHAPES_ROOT)',
      process.env.SHAPES_ROOT || path.join('datasets', 'shapes'),
    )
    .option(
      '--train_images <n>',
      'training images to generate when the data is missing',
      positiveInt('--train_images'),
      1000,
    )
    .option('--demo_images <n>', 'test images to run the demo on', positiveInt('--demo_images'), 6)
    .argument('[overrides...]', 'KEY VALUE config overrides')
    .action(
      async (
        overrides: string[],
        opts: { configFile: string; data_dir: string; train_images: number; demo_images: number },
      ) => {
        await quickstart(overrides, {
          configFile: opts.configFile,
          dataDir: opts.data_dir,
          trainImages: opts.train_images,
          demoImages: opts.demo_images,
        });
      },
    );
}

async function quickstart(overrides: string[], opts: QuickstartOptions): Promise<void> {
  const start = performance.now();
  const elapsed = () => `${((performance.now() - start) / 1000).toFixed(0)} s`;
  // The shapes catalog entries read $SHAPES_ROOT.
  process.env.SHAPES_ROOT = opts.dataDir;
  const cfg = loadConfig(opts.configFile, overrides);
  checkComponentsRegistered(cfg);
  if (!existsSync(path.join(opts.dataDir, 'ImageSets', 'Main', 'train.txt'))) {
    console.log(`[quickstart] writing the shapes data set to ${opts.dataDir}`);
    await writeShapesDataset(opts.dataDir, { train: opts.trainImages, test: 100, seed: 0 });
  }

  console.log(`[quickstart] training with ${opts.configFile} (${elapsed()} so far)`);
  const result = await runTraining({
    configFile: opts.configFile,
    overrides,
    logStep: 20,
    saveStep: 500,
    evalStep: 500,
  });
  if (!result.finished) return;

  const demoIn = path.join(cfg.OUTPUT_DIR, 'demo', 'input');
  const demoOut = path.join(cfg.OUTPUT_DIR, 'demo');
  mkdirSync(demoIn, { recursive: true });
  const testIds = readFileSync(path.join(opts.dataDir, 'ImageSets', 'Main', 'test.txt'), 'utf8')
    .split('\n')
    .filter(Boolean);
  for (const id of testIds.slice(0, opts.demoImages)) {
    copyFileSync(path.join(opts.dataDir, 'JPEGImages', `${id}.jpg`), path.join(demoIn, `${id}.jpg`));
  }
  console.log(
    `[quickstart] demo on ${Math.min(opts.demoImages, testIds.length)} test images (${elapsed()} so far)`,
  );
  await runDemo(overrides, {
    configFile: opts.configFile,
    ckpt: path.join(cfg.OUTPUT_DIR, 'model_final.safetensors'),
    images_dir: demoIn,
    output_dir: demoOut,
    score_threshold: 0.5,
    dataset_type: 'shapes',
  });

  const metrics = cfg.DATASETS.TEST.map((name) => {
    const file = path.join(cfg.OUTPUT_DIR, 'inference', name, 'metrics.json');
    const mAP = (JSON.parse(readFileSync(file, 'utf8')) as { mAP: number }).mAP;
    return `  ${name}: VOC07 mAP ${mAP.toFixed(4)} (${file})`;
  });
  console.log(
    [
      `[quickstart] done in ${elapsed()}.`,
      ...metrics,
      `  checkpoint: ${path.join(cfg.OUTPUT_DIR, 'model_final.safetensors')}`,
      `  training log and curves: ${path.join(cfg.OUTPUT_DIR, 'metrics.jsonl')}, ${path.join(cfg.OUTPUT_DIR, 'plots')}`,
      `  demo images and results.json: ${demoOut}`,
    ].join('\n'),
  );
}
