import { defaultConfig, freeze, mergeFromObject, type SSDConfig } from '@ssd/config';
import type { ShardContext } from '@ssd/distributed';
import { type Detector, loadDetector, Predictor } from '@ssd/engine';
import { decodeImage } from '@ssd/image';
import { checkComponentsRegistered } from '../registered';
import { inference } from './dataset-inference';
import { localImages, mapPath, type PathMapping } from './image-source';
import { ShardDataset } from './shard-dataset';
import {
  type DemoShardJob,
  type DemoShardResult,
  type EncodedDetections,
  encodeDetections,
  type ImageFailure,
  type ModelSpec,
  type ShardJob,
  type TestShardJob,
  type TestShardResult,
} from './shard-jobs';

/** A model a worker keeps between shards. */
interface LoadedModel {
  cfg: Readonly<SSDConfig>;
  model: Detector;
}

interface CacheEntry {
  loaded: Promise<LoadedModel>;
  users: number;
}

/** Models kept loaded at once; a worker serving a third releases the least recently used idle one. */
const MODELS_KEPT = 2;

/**
 * What `ssd worker` does with a shard: loads the shard's model once and keeps it, reads the images
 * (through `--path-map`), runs detection as the single-process commands do, and reports unreadable images
 * by name while the rest of the shard completes.
 */
export class ShardProcessor {
  private readonly models = new Map<string, CacheEntry>();

  /**
   * `loaderWorkers`: the data loader's threads for each test shard (DATA_LOADER.NUM_WORKERS in one process).
   * A loader starts its threads for each shard, which costs more CPU than they save on shards of tens of
   * images: 0 by default, with parallelism from more workers or `--concurrency` instead.
   */
  constructor(
    private readonly mappings: readonly PathMapping[],
    private readonly log: (line: string) => void,
    private readonly loaderWorkers = 0,
  ) {}

  async process(job: ShardJob, context: ShardContext): Promise<TestShardResult | DemoShardResult> {
    if (job?.kind !== 'test' && job?.kind !== 'demo') {
      throw new Error(`not supported: a shard job of kind '${(job as { kind?: unknown })?.kind}'`);
    }
    const { key, entry } = this.acquire(job.model);
    try {
      const loaded = await entry.loaded;
      return job.kind === 'test'
        ? await this.runTest(job, loaded, context)
        : await this.runDemo(job, loaded, context);
    } finally {
      entry.users--;
      this.trim(key);
    }
  }

  /** Frees every model. */
  async dispose(): Promise<void> {
    for (const entry of this.models.values()) {
      await entry.loaded.then(
        (m) => m.model.dispose(),
        () => undefined,
      );
    }
    this.models.clear();
  }

  private acquire(spec: ModelSpec): { key: string; entry: CacheEntry } {
    const key = JSON.stringify(spec);
    let entry = this.models.get(key);
    if (entry) {
      // Most recently used last.
      this.models.delete(key);
    } else {
      entry = { loaded: this.load(spec), users: 0 };
      // A failed load is not kept: the next shard tries again.
      entry.loaded.catch(() => this.models.delete(key));
    }
    this.models.set(key, entry);
    entry.users++;
    return { key, entry };
  }

  private async load(spec: ModelSpec): Promise<LoadedModel> {
    const cfg = freeze(mergeFromObject(defaultConfig(), spec.config as unknown as Record<string, unknown>));
    checkComponentsRegistered(cfg);
    // A checkpoint file of the coordinator's is found as its images are (a URL is downloaded once, cached).
    const { model, file } = await loadDetector(cfg, mapPath(spec.ckpt, this.mappings), this.log);
    this.log(`loaded ${file}`);
    return { cfg, model };
  }

  private trim(keep: string): void {
    for (const [key, entry] of this.models) {
      if (this.models.size <= MODELS_KEPT) return;
      if (key === keep || entry.users > 0) continue;
      this.models.delete(key);
      entry.loaded.then(
        (m) => m.model.dispose(),
        () => undefined,
      );
    }
  }

  private async runTest(
    job: TestShardJob,
    { cfg, model }: LoadedModel,
    context: ShardContext,
  ): Promise<TestShardResult> {
    const local = await localImages(job.images, this.mappings);
    try {
      const detections: (EncodedDetections | null)[] = job.images.map(() => null);
      const failures: ImageFailure[] = [...local.failures];
      const detect = async (indices: number[], report: boolean) => {
        const dataset = new ShardDataset(indices.map((i) => local.files[i]!));
        const found = await inference(model, cfg, dataset, {
          title: 'shard',
          numWorkers: this.loaderWorkers,
          // The loop's plain progress lines ("shard: 4/64") feed the coordinator's bar.
          progress: report
            ? {
                tty: false,
                plainEvery: 1,
                write: (line) => {
                  const done = /: (\d+)\/\d+$/.exec(line)?.[1];
                  if (done) context.progress(Number(done)).catch(() => undefined);
                },
              }
            : false,
        });
        found.forEach((d, k) => {
          detections[indices[k]!] = encodeDetections(d);
        });
      };
      const readable = job.images.map((_, i) => i).filter((i) => local.files[i] !== null);
      try {
        await detect(readable, true);
      } catch (e) {
        // Which images break the batch? Those that do not decode are reported; the others run again.
        const bad = new Set<number>();
        for (const i of readable) {
          try {
            await decodeImage(local.files[i]!);
          } catch (err) {
            bad.add(i);
            failures.push({ image: job.images[i]!, reason: (err as Error).message });
          }
        }
        if (bad.size === 0) throw e;
        await detect(
          readable.filter((i) => !bad.has(i)),
          false,
        );
      }
      return { detections, failures };
    } finally {
      await local.cleanup();
    }
  }

  private async runDemo(
    job: DemoShardJob,
    { cfg, model }: LoadedModel,
    context: ShardContext,
  ): Promise<DemoShardResult> {
    const predictor = new Predictor(cfg, model, job.classNames);
    const local = await localImages(job.images, this.mappings);
    try {
      const failures: ImageFailure[] = [...local.failures];
      const images: DemoShardResult['images'] = [];
      for (const [i, file] of local.files.entries()) {
        if (file === null) {
          images.push(null);
          continue;
        }
        try {
          const r = await predictor.detectFile(file, job.scoreThreshold);
          images.push({ width: r.width, height: r.height, objects: r.objects });
        } catch (e) {
          // As `ssd demo` in one process: an image that cannot be read is skipped and named.
          images.push(null);
          failures.push({ image: job.images[i]!, reason: (e as Error).message });
        }
        await context.progress(i + 1);
      }
      return { images, failures };
    } finally {
      await local.cleanup();
    }
  }
}
