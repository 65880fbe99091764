import { writeShapesDataset } from '@ssd/data';
import { Command } from 'commander';
import { positiveInt } from './options';

/** `ssd dataset shapes OUT [--train N --test M --seed S]`: writes the built-in synthetic data set. */
export function datasetCommand(): Command {
  const dataset = new Command('dataset').description('data set tools');
  dataset
    .command('shapes')
    .description('write the synthetic shapes data set (VOC layout) that the quick start trains on')
    .argument('<out>', 'output folder')
    .option('--train <n>', 'training images', positiveInt('--train'), 500)
    .option('--test <n>', 'test images', positiveInt('--test'), 100)
    .option('--seed <n>', 'random seed', positiveInt('--seed'), 0)
    .action(async (out: string, opts: { train: number; test: number; seed: number }) => {
      const start = performance.now();
      const summary = await writeShapesDataset(out, opts);
      console.log(
        `Wrote ${summary.train} training and ${summary.test} test images (${summary.objects} objects, classes: ` +
          `${summary.classNames.slice(1).join(', ')}) to ${summary.dir} in ${((performance.now() - start) / 1000).toFixed(1)} s`,
      );
    });
  return dataset;
}
