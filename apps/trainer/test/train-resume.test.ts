import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Checkpointer, loadTrainingCheckpoint } from '@ssd/engine';
import type { ToyProject } from '@ssd-test/custom-backbone';
import { toyConfig, writeToyProject } from '@ssd-test/custom-backbone';
import { Hook, type TrainContext, train } from '../src';

let data: ToyProject;
const quiet = { log: () => {}, progress: false as const };

beforeAll(async () => {
  data = await writeToyProject();
});

function finalModel(outputDir: string) {
  const file = new Checkpointer(outputDir).lastCheckpoint()!;
  expect(path.basename(file)).toBe('model_final.safetensors');
  return loadTrainingCheckpoint(file);
}

/** Aborts training right after iteration `at`. */
function stopAfter(at: number): { hook: Hook; signal: AbortSignal } {
  const controller = new AbortController();
  const hook = new (class extends Hook {
    override afterStep(ctx: TrainContext): void {
      if (ctx.iter === at) controller.abort();
    }
  })();
  return { signal: controller.signal, hook };
}

describe('train', () => {
  it('stopped and resumed reaches exactly the parameters of an uninterrupted run', async () => {
    const straight = toyConfig(data);
    const r1 = await train(straight, { ...quiet, saveStep: 0, evalStep: 0 });
    expect(r1).toEqual({ iteration: 6, finished: true, resumedFrom: undefined });

    const split = toyConfig(data);
    const { hook, signal } = stopAfter(3);
    const first = await train(split, { ...quiet, saveStep: 0, evalStep: 0, hooks: [hook], signal });
    expect(first).toEqual({ iteration: 3, finished: false, resumedFrom: undefined });
    const mid = loadTrainingCheckpoint(new Checkpointer(split.OUTPUT_DIR).lastCheckpoint()!);
    expect(mid.iteration).toBe(3);
    expect(mid.scheduler).toEqual({ lastEpoch: 3 });

    const second = await train(split, { ...quiet, saveStep: 0, evalStep: 0 });
    expect(second.finished).toBe(true);
    expect(second.resumedFrom).toMatch(/model_000003\.safetensors$/);

    const a = finalModel(straight.OUTPUT_DIR);
    const b = finalModel(split.OUTPUT_DIR);
    expect(b.iteration).toBe(6);
    expect([...b.model.keys()]).toEqual([...a.model.keys()]);
    for (const [key, t] of a.model) expect(Array.from(b.model.get(key)!.data)).toEqual(Array.from(t.data));
    expect(b.optimizer!.lr).toBe(a.optimizer!.lr);
    for (const [key, buf] of Object.entries(a.optimizer!.momentumBuffers)) {
      expect(Array.from(b.optimizer!.momentumBuffers[key]!.values)).toEqual(Array.from(buf.values));
    }
    // The metrics file holds each logged iteration once, though the run was split.
    const iters = readFileSync(path.join(split.OUTPUT_DIR, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((r) => r.type === 'train')
      .map((r) => r.iter);
    expect(iters).toEqual([...new Set(iters)]);
  });

  it('logs, checkpoints every save_step and evaluates at the end', async () => {
    const cfg = toyConfig(data);
    const lines: string[] = [];
    await train(cfg, { log: (l) => lines.push(l), progress: false, logStep: 2, saveStep: 4, evalStep: 0 });
    const logLines = lines.filter((l) => l.startsWith('iter: '));
    expect(logLines.map((l) => l.slice(0, 12))).toEqual(['iter: 000002', 'iter: 000004', 'iter: 000006']);
    expect(logLines[0]).toMatch(
      /lr: [\d.]+, total_loss: [\d.]+ \([\d.]+\), reg_loss: .*cls_loss: .*time: .*eta: .*mem: \d+M/,
    );
    expect(
      readdirSync(cfg.OUTPUT_DIR)
        .filter((f) => f.endsWith('.safetensors'))
        .sort(),
    ).toEqual(['model_000004.safetensors', 'model_final.safetensors']);
    const metrics = JSON.parse(
      readFileSync(path.join(cfg.OUTPUT_DIR, 'inference', 'toy_test', 'metrics.json'), 'utf8'),
    );
    expect(Object.keys(metrics)).toEqual(['mAP', 'circle', 'square', 'triangle', 'star', 'hexagon']);
    expect(lines.some((l) => l.startsWith('mAP: '))).toBe(true);
  });

  it('stops before training on an unwritable OUTPUT_DIR, an empty data set or a missing one', async () => {
    if (process.getuid?.() !== 0) {
      const locked = path.join(toyConfig(data).OUTPUT_DIR, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      await expect(train(toyConfig(data, [], path.join(locked, 'out')), quiet)).rejects.toThrow(
        /OUTPUT_DIR .* is not writable/,
      );
    }
    const file = path.join(toyConfig(data).OUTPUT_DIR, 'a-file');
    require('node:fs').writeFileSync(file, '');
    await expect(train(toyConfig(data, [], path.join(file, 'out')), quiet)).rejects.toThrow(
      /OUTPUT_DIR .* is not writable/,
    );

    const empty = toyConfig(data);
    empty.DATASETS.CATALOG.toy_train!.SPLIT = 'none';
    require('node:fs').writeFileSync(path.join(data.dir, 'data', 'ImageSets', 'Main', 'none.txt'), '');
    await expect(train(empty, quiet)).rejects.toThrow(/no images/);
    expect(existsSync(path.join(empty.OUTPUT_DIR, 'last_checkpoint'))).toBe(false);

    const missing = toyConfig(data, ['DATASETS.TRAIN', '("voc_2099_trainval",)']);
    await expect(train(missing, quiet)).rejects.toThrow(/voc_2099_trainval/);
  });

  it('stops with a clear message on a non-finite loss, keeping the last good checkpoint', async () => {
    const cfg = toyConfig(data, ['SOLVER.LR', '1e30', 'SOLVER.WARMUP_ITERS', '0']);
    await expect(train(cfg, { ...quiet, saveStep: 1, evalStep: 0 })).rejects.toThrow(
      /loss is not finite at iteration \d+/,
    );
    const last = new Checkpointer(cfg.OUTPUT_DIR).lastCheckpoint();
    if (last) expect(loadTrainingCheckpoint(last).iteration).toBeGreaterThan(0);
  });
});
