import path from 'node:path';
import type { SSDConfig } from '@ssd/config';
import { buildDataset } from '@ssd/data';
import { type CoordinatorOptions, coordinate, modelSpec } from './coordinator';
import { checkNumClasses, evaluateGathered, type ImageDetections } from './dataset-inference';
import { decodeDetections, type ImageFailure, type TestShardResult } from './shard-jobs';

/**
 * `ssd test --redis URL`: every DATASETS.TEST split into shards run by `ssd worker`s, then evaluated here,
 * once, over the gathered detections: the same metrics.json and table as `ssd test` in one process.
 */
export async function runDistributedEvaluation(
  cfg: Readonly<SSDConfig>,
  ckpt: string,
  outputDir: string,
  opts: CoordinatorOptions & { redis: string },
): Promise<void> {
  const { spec, identity } = modelSpec(cfg, ckpt);
  for (const name of cfg.DATASETS.TEST) {
    const dataset = buildDataset(cfg, [name], false);
    checkNumClasses(cfg, dataset, [name]);
    console.log(`Evaluating ${name} (${dataset.length} images)`);
    const images = Array.from({ length: dataset.length }, (_, i) => path.resolve(dataset.imagePath(i)));
    const start = performance.now();
    await coordinate<TestShardResult>(
      opts,
      name,
      images.length,
      // Shards start on batch boundaries: each worker makes exactly the batches one process makes.
      cfg.TEST.BATCH_SIZE,
      { command: 'test', model: identity, config: cfg, dataset: name, images },
      (shard) => ({ kind: 'test', model: spec, images: images.slice(shard.start, shard.end) }),
      {
        async finish(results, shards, forget) {
          const failures: ImageFailure[] = [];
          const predictions: ImageDetections[] = [];
          const broken: number[] = [];
          shards.forEach((shard, s) => {
            const result = results[s]!;
            if (result.failures.length > 0) broken.push(shard.index);
            failures.push(...result.failures);
            result.detections.forEach((d, k) => {
              if (d) predictions.push({ imageId: dataset.imageId(shard.start + k), ...decodeDetections(d) });
            });
          });
          if (failures.length > 0) {
            for (const f of failures) console.error(`${f.image}: ${f.reason}`);
            // Those shards run again next time (once the images are fixed); the others are kept.
            await forget(broken);
            throw new Error(
              `${failures.length} of ${images.length} images of ${name} could not be read (see above), so it was ` +
                `not evaluated: ${failures.map((f) => f.image).join(', ')}`,
            );
          }
          const seconds = (performance.now() - start) / 1000;
          const result = evaluateGathered(dataset, predictions, path.join(outputDir, name));
          console.log(
            `Inference on ${name}: ${seconds.toFixed(1)} s (${(images.length / seconds).toFixed(1)} images/s)`,
          );
          console.log(result.table);
          await forget(shards.map((s) => s.index));
        },
      },
    );
  }
}
