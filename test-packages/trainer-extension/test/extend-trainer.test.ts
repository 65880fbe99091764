/**
 * @ssd/trainer extended from outside, without editing it: a Trainer built from parts with a data loader of our
 * own, a hook that puts a scalar of its own, and a writer that reads the event storage; then `train` with the
 * default hooks filtered and ours added.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SSDConfig } from '@ssd/config';
import { buildDataset, type DetectionDataset, type TrainBatch } from '@ssd/data';
import { initBackend } from '@ssd/engine';
import { buildDetectionModel } from '@ssd/modeling';
import { Rng } from '@ssd/random';
import { buildLrScheduler, buildOptimizer } from '@ssd/solver';
import {
  ConsoleWriter,
  createStepRunner,
  defaultHooks,
  EvalHook,
  Hook,
  PlotWriter,
  setUpTrainingKernels,
  type TrainContext,
  Trainer,
  train,
} from '@ssd/trainer';
import { buildTargetTransform, buildTransforms } from '@ssd/transforms';
import { type ToyProject, toyConfig, writeToyProject } from '@ssd-test/custom-backbone';

/**
 * Our own data loader: the data set's images in order, cycling, with the test transform (resize, mean) and no
 * augmentation; it records the iterations it served.
 */
function sequentialLoader(cfg: SSDConfig, dataset: DetectionDataset, startIter: number, served: number[]) {
  const transform = buildTransforms(cfg, false);
  const encode = buildTargetTransform(cfg);
  const n = cfg.SOLVER.BATCH_SIZE;
  const s = cfg.INPUT.IMAGE_SIZE;
  return (async function* (): AsyncGenerator<TrainBatch> {
    for (let iteration = startIter; ; iteration++) {
      const indices = Array.from({ length: n }, (_, i) => (iteration * n + i) % dataset.length);
      const parts = await Promise.all(
        indices.map(async (index) => {
          const { image, boxes, labels } = await dataset.getItem(index);
          const sample = transform(
            { image: image.data, width: image.width, height: image.height, boxes, labels },
            new Rng(0),
          );
          // No crop or mirror: the boxes in [0, 1] are the original ones over the original size.
          const scale = [image.width, image.height, image.width, image.height];
          return {
            pixels: sample.image,
            target: encode(
              boxes.map((v, i) => v / scale[i % 4]!),
              labels,
            ),
          };
        }),
      );
      const p = parts[0]!.target.labels.length;
      const batch: TrainBatch = {
        iteration,
        indices,
        batchSize: n,
        imageSize: s,
        numPriors: p,
        images: new Float32Array(n * s * s * 3),
        locations: new Float32Array(n * p * 4),
        labels: new Int32Array(n * p),
      };
      parts.forEach(({ pixels, target }, i) => {
        batch.images.set(pixels, i * s * s * 3);
        batch.locations.set(target.locations, i * p * 4);
        batch.labels.set(target.labels, i * p);
      });
      served.push(iteration);
      yield batch;
    }
  })();
}

/** Our hook: records when it runs, and puts the images trained on so far into the event storage. */
class ImagesSeenHook extends Hook {
  readonly calls: string[] = [];
  readonly losses: number[] = [];

  constructor(private readonly batchSize: number) {
    super();
  }

  override beforeTrain(ctx: TrainContext): void {
    this.calls.push(`beforeTrain ${ctx.iter}`);
  }

  override beforeStep(ctx: TrainContext): void {
    this.calls.push(`beforeStep ${ctx.iter}`);
  }

  override afterStep(ctx: TrainContext): void {
    this.calls.push(`afterStep ${ctx.iter}`);
    this.losses.push(ctx.storage.history('loss').latest());
    ctx.storage.putScalar('images_seen', ctx.iter * this.batchSize, { smoothingHint: false });
  }

  override afterTrain(ctx: TrainContext): void {
    this.calls.push(`afterTrain ${ctx.iter} ${ctx.finished ? 'finished' : 'stopped'}`);
  }
}

/** Our writer: every `period` iterations, a row of everything the storage holds (smoothed where hinted). */
class RowWriter extends Hook {
  readonly rows: Record<string, number>[] = [];

  constructor(private readonly period: number) {
    super();
  }

  override afterStep(ctx: TrainContext): void {
    if (ctx.iter % this.period !== 0) return;
    const row: Record<string, number> = { iter: ctx.iter };
    for (const [name, { value }] of ctx.storage.latestWithSmoothingHint(20)) row[name] = value;
    this.rows.push(row);
  }
}

/** The lower median, as the trainer's smoothing takes it. */
function lowerMedian(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1]!;
}

let project: ToyProject;
/** A weight of the box head that training changes. */
const WEIGHT = 'box_head.predictor.cls_headers.0.weight';
const ONE_THREAD = ['SOLVER.TRAIN_WORKERS', '1', 'SOLVER.MAX_ITER', '4'];

beforeAll(async () => {
  project = await writeToyProject();
  await initBackend('js', () => {});
});

test('a Trainer from parts runs our loader, hook and writer, in order', async () => {
  const cfg = toyConfig(project, ONE_THREAD);
  setUpTrainingKernels(cfg);
  const model = buildDetectionModel(cfg);
  const optimizer = buildOptimizer(cfg, model.trainableVariables());
  const scheduler = buildLrScheduler(cfg, optimizer);
  const served: number[] = [];
  const hook = new ImagesSeenHook(cfg.SOLVER.BATCH_SIZE);
  const writer = new RowWriter(2);
  const runner = await createStepRunner(cfg, model, optimizer, { log: () => {} });
  const before = Array.from(model.stateDict().get(WEIGHT)!.dataSync());
  try {
    const dataset = buildDataset(cfg, cfg.DATASETS.TRAIN, true);
    const trainer = new Trainer(
      { model, dataLoader: sequentialLoader(cfg, dataset, 0, served), optimizer, scheduler, runner },
      { maxIter: 4, hooks: [hook, writer], log: () => {} },
    );
    expect(await trainer.train()).toEqual({ iteration: 4, finished: true });
  } finally {
    await runner.close();
  }
  const after = Array.from(model.stateDict().get(WEIGHT)!.dataSync());
  optimizer.dispose();
  model.dispose();

  expect(served).toEqual([0, 1, 2, 3]);
  expect(after).not.toEqual(before);
  expect(hook.calls).toEqual([
    'beforeTrain 0',
    ...[1, 2, 3, 4].flatMap((i) => [`beforeStep ${i}`, `afterStep ${i}`]),
    'afterTrain 4 finished',
  ]);
  expect(hook.losses.every(Number.isFinite)).toBe(true);
  // SOLVER.LR 0.01, warmup over 2 iterations from a third (the reference's linear warmup): the rate each
  // step used. The toy config's step at 4 lowers it only after the fourth step.
  const lr = [0.01 / 3, 0.01 * (1 / 3 + (2 / 3) * 0.5), 0.01, 0.01];
  expect(writer.rows.map((r) => Object.keys(r))).toEqual(
    [2, 4].map(() => ['iter', 'lr', 'loss', 'reg_loss', 'cls_loss', 'time', 'data_time', 'images_seen']),
  );
  for (const row of writer.rows) {
    expect(row.lr).toBeCloseTo(lr[row.iter! - 1]!, 12);
    expect(row.loss).toBe(lowerMedian(hook.losses.slice(0, row.iter)));
    expect(row.images_seen).toBe(row.iter! * cfg.SOLVER.BATCH_SIZE);
  }
});

test("train's default hooks, filtered, with ours added", async () => {
  const cfg = toyConfig(project, ONE_THREAD);
  const hook = new ImagesSeenHook(cfg.SOLVER.BATCH_SIZE);
  const writer = new RowWriter(1);
  const lines: string[] = [];
  const result = await train(cfg, {
    log: (l) => lines.push(l),
    progress: false,
    saveStep: 0,
    // No console lines, no evaluation, no plots: the checkpoints and metrics.jsonl stay.
    hooks: (defaults) => [
      ...defaults.filter(
        (h) => !(h instanceof ConsoleWriter || h instanceof EvalHook || h instanceof PlotWriter),
      ),
      hook,
      writer,
    ],
  });
  expect(result).toEqual({ iteration: 4, finished: true, resumedFrom: undefined });
  expect(defaultHooks(cfg).map((h) => h.constructor.name)).toEqual([
    'ConsoleWriter',
    'CheckpointHook',
    'EvalHook',
    'JsonWriter',
    'PlotWriter',
  ]);
  expect(lines.filter((l) => l.startsWith('iter: ') || l.startsWith('Evaluating'))).toEqual([]);
  expect(writer.rows.map((r) => r.iter)).toEqual([1, 2, 3, 4]);
  expect(writer.rows.map((r) => r.images_seen)).toEqual([2, 4, 6, 8]);
  // The JSON writer kept writing what the storage holds: the same losses our hook read.
  const logged = readFileSync(path.join(cfg.OUTPUT_DIR, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; iter: number; loss: number });
  expect(logged.map((r) => [r.type, r.iter])).toEqual([['train', 4]]);
  expect(logged[0]!.loss).toBe(hook.losses[3]);
  expect(readdirSync(cfg.OUTPUT_DIR)).toContain('model_final.safetensors');
  expect(existsSync(path.join(cfg.OUTPUT_DIR, 'plots'))).toBe(false);
  expect(existsSync(path.join(cfg.OUTPUT_DIR, 'inference'))).toBe(false);
});

test("a data loader that does not start at the trainer's start iteration is refused before any step", async () => {
  const cfg = toyConfig(project, ONE_THREAD);
  setUpTrainingKernels(cfg);
  const model = buildDetectionModel(cfg);
  const optimizer = buildOptimizer(cfg, model.trainableVariables());
  const runner = await createStepRunner(cfg, model, optimizer, { log: () => {} });
  const hook = new ImagesSeenHook(cfg.SOLVER.BATCH_SIZE);
  try {
    const dataset = buildDataset(cfg, cfg.DATASETS.TRAIN, true);
    const trainer = new Trainer(
      {
        model,
        dataLoader: sequentialLoader(cfg, dataset, 0, []),
        optimizer,
        scheduler: buildLrScheduler(cfg, optimizer),
        runner,
      },
      { startIter: 2, maxIter: 4, hooks: [hook], log: () => {} },
    );
    await expect(trainer.train()).rejects.toThrow(
      "the data loader gave the batch of iteration 1 for iteration 3: start it at the trainer's startIter (2)",
    );
    expect(hook.calls).toEqual(['beforeTrain 2']);
  } finally {
    await runner.close();
    optimizer.dispose();
    model.dispose();
  }
});
