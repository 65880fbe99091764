import path from 'node:path';
import type { SSDConfig } from '@ssd/config';
import { annotateImageFile } from '@ssd/viz';
import { type ResultEntry, resultEntry } from '../commands/demo-results';
import { type CoordinatorOptions, coordinate, modelSpec } from './coordinator';
import type { DemoShardResult } from './shard-jobs';

/** The demo's options that decide its results. */
export interface DistributedDemoOptions extends CoordinatorOptions {
  redis: string;
  ckpt: string;
  images_dir: string;
  score_threshold: number;
}

/**
 * `ssd demo --redis URL`: the folder's images split into shards that `ssd worker`s detect; here each
 * shard's images are annotated as its result arrives, and `write` gets results.json's entries in file order
 * and the images that could not be read, as the single-process demo gives them.
 */
export async function runDistributedDemo(
  cfg: Readonly<SSDConfig>,
  opts: DistributedDemoOptions,
  classNames: readonly string[],
  files: readonly string[],
  outputDir: string,
  write: (results: ResultEntry[], unreadable: string[]) => void,
): Promise<void> {
  if (classNames.length !== cfg.MODEL.NUM_CLASSES) {
    throw new Error(
      `the class list has ${classNames.length} names (background included) but MODEL.NUM_CLASSES is ${cfg.MODEL.NUM_CLASSES}`,
    );
  }
  const { spec, identity } = modelSpec(cfg, opts.ckpt);
  const images = files.map((f) => path.resolve(opts.images_dir, f));
  await coordinate<DemoShardResult>(
    opts,
    'demo',
    images.length,
    1,
    {
      command: 'demo',
      model: identity,
      config: cfg,
      classNames,
      scoreThreshold: opts.score_threshold,
      images,
    },
    (shard) => ({
      kind: 'demo',
      model: spec,
      classNames: [...classNames],
      scoreThreshold: opts.score_threshold,
      images: images.slice(shard.start, shard.end),
    }),
    {
      async onResult(shard, result) {
        for (const [k, r] of result.images.entries()) {
          if (r)
            await annotateImageFile(
              images[shard.start + k]!,
              path.join(outputDir, files[shard.start + k]!),
              r.objects,
            );
        }
      },
      async finish(results, shards, forget) {
        const entries: ResultEntry[] = [];
        const unreadable: string[] = [];
        shards.forEach((shard, s) => {
          const result = results[s]!;
          for (const f of result.failures) console.error(`${path.basename(f.image)}: skipped: ${f.reason}`);
          result.images.forEach((r, k) => {
            const name = files[shard.start + k]!;
            if (r) entries.push(resultEntry(name, r));
            else unreadable.push(name);
          });
        });
        let error: unknown;
        try {
          write(entries, unreadable);
        } catch (e) {
          error = e;
        }
        // The outputs are written: the next run of this command computes afresh.
        await forget(shards.map((s) => s.index));
        if (error) throw error;
      },
    },
  );
}
