/**
 * Training on the webgpu backend (Mesa's software Vulkan device in CI): losses equal to the pure-JS backend's
 * step after step, exact resume, and the quick-start config run to the end without one synchronous read
 * from the device (GPU backends have none in Node).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cloneConfig, loadConfig, type SSDConfig } from '@ssd/config';
import { writeShapesDataset } from '@ssd/data';
import { Checkpointer, initBackend, loadTrainingCheckpoint } from '@ssd/engine';
import { multiBoxLoss } from '@ssd/modeling';
import { toyConfig, writeToyProject } from '@ssd-test/custom-backbone';
import { describeWebGpu, useWebGpu } from '@ssd-test/kit';
import * as tf from '@tensorflow/tfjs-core';
import { Hook, type StepLosses, type TrainContext, train } from '../src';

const REPO = path.resolve(__dirname, '../../..');
const QUICKSTART = path.join(REPO, 'configs/quickstart_mobilenet_v2_ssdlite_shapes.yaml');
const quiet = { log: () => {}, progress: false as const, saveStep: 0, evalStep: 0 };

/** The quick-start config for `iterations` steps of batch 2 on a fresh OUTPUT_DIR. */
function quickstart(device: string, iterations: number): SSDConfig {
  const out = mkdtempSync(path.join(tmpdir(), `ssd-webgpu-${device}-`));
  return cloneConfig(
    loadConfig(QUICKSTART, [
      'MODEL.DEVICE',
      device,
      'SOLVER.MAX_ITER',
      String(iterations),
      'SOLVER.BATCH_SIZE',
      '2',
      'SOLVER.WARMUP_ITERS',
      '1',
      'DATA_LOADER.NUM_WORKERS',
      '0',
      'TEST.BATCH_SIZE',
      '2',
      'OUTPUT_DIR',
      out,
    ]),
  );
}

/** Records each step's losses from the event storage. */
function recorder(): { hook: Hook; losses: StepLosses[] } {
  const losses: StepLosses[] = [];
  const hook = new (class extends Hook {
    override afterStep({ storage }: TrainContext): void {
      const [loss, reg_loss, cls_loss] = ['loss', 'reg_loss', 'cls_loss'].map((k) =>
        storage.history(k).latest(),
      );
      losses.push({ loss: loss!, reg_loss: reg_loss!, cls_loss: cls_loss! });
    }
  })();
  return { losses, hook };
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

function finalState(cfg: SSDConfig) {
  return loadTrainingCheckpoint(new Checkpointer(cfg.OUTPUT_DIR).lastCheckpoint()!);
}

describeWebGpu('training on webgpu', () => {
  const savedShapesRoot = process.env.SHAPES_ROOT;

  beforeAll(async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ssd-webgpu-shapes-'));
    await writeShapesDataset(root, { train: 4, test: 2, seed: 5 });
    process.env.SHAPES_ROOT = root;
  });

  afterAll(async () => {
    if (savedShapesRoot === undefined) delete process.env.SHAPES_ROOT;
    else process.env.SHAPES_ROOT = savedShapesRoot;
    await initBackend('js', () => {});
  });

  it('computes the reference MultiBox loss on the device', async () => {
    await useWebGpu(initBackend);
    const fx = JSON.parse(readFileSync(path.join(REPO, 'fixtures/reference/multibox_loss.json'), 'utf8')) as {
      shape: [number, number, number];
      neg_pos_ratio: number;
      confidence: number[];
      predicted_locations: number[];
      labels: number[];
      gt_locations: number[];
      reg_loss: number;
      cls_loss: number;
    };
    const [n, p, c] = fx.shape;
    const losses = tf.tidy(() => {
      const { regLoss, clsLoss } = multiBoxLoss(
        tf.tensor3d(fx.confidence, [n, p, c]),
        tf.tensor3d(fx.predicted_locations, [n, p, 4]),
        tf.tensor2d(fx.labels, [n, p], 'int32'),
        tf.tensor3d(fx.gt_locations, [n, p, 4]),
        fx.neg_pos_ratio,
      );
      return tf.stack([regLoss, clsLoss]);
    });
    const [reg, cls] = await losses.data();
    losses.dispose();
    expect(Math.abs(reg! - fx.reg_loss) / fx.reg_loss).toBeLessThan(1e-4);
    expect(Math.abs(cls! - fx.cls_loss) / fx.cls_loss).toBeLessThan(1e-4);
  });

  // The software device compiles every shader on first use and the js backend is slow: minutes, not seconds.
  const LONG = 900_000;

  it(
    "trains the toy project with js's losses at every step, and resumes exactly",
    async () => {
      const project = await writeToyProject();
      const js = recorder();
      await train(toyConfig(project, ['MODEL.DEVICE', 'js']), { ...quiet, hooks: [js.hook] });
      await useWebGpu(initBackend);
      const gpu = recorder();
      const straight = toyConfig(project, ['MODEL.DEVICE', 'webgpu']);
      await train(straight, { ...quiet, hooks: [gpu.hook], keepBackend: true });
      // Six SGD steps of a small well-conditioned model (BatchNorm over ≥ 32 values per channel): float32
      // rounding in another order, nothing more.
      expect(gpu.losses).toHaveLength(6);
      gpu.losses.forEach((l, i) => {
        for (const key of ['reg_loss', 'cls_loss'] as const) {
          expect(Math.abs(l[key] - js.losses[i]![key]) / js.losses[i]![key]).toBeLessThan(1e-4);
        }
      });

      const split = toyConfig(project, ['MODEL.DEVICE', 'webgpu']);
      const { hook, signal } = stopAfter(3);
      await train(split, { ...quiet, hooks: [hook], signal, keepBackend: true });
      const resumed = await train(split, { ...quiet, keepBackend: true });
      expect(resumed.resumedFrom).toMatch(/model_000003\.safetensors$/);
      const a = finalState(straight);
      const b = finalState(split);
      expect(b.iteration).toBe(6);
      for (const [key, t] of a.model) expect(Array.from(b.model.get(key)!.data)).toEqual(Array.from(t.data));
      for (const [key, buf] of Object.entries(a.optimizer!.momentumBuffers)) {
        expect(Array.from(b.optimizer!.momentumBuffers[key]!.values)).toEqual(Array.from(buf.values));
      }
    },
    LONG,
  );

  it(
    'runs the quick-start config to the end (checkpoint, evaluation, plots) without a synchronous read',
    async () => {
      const js = recorder();
      await train(quickstart('js', 1), { ...quiet, hooks: [js.hook] });
      // Every read the trainer, its hooks (checkpoint, evaluation) and the loss make must be asynchronous.
      const selected = await useWebGpu(initBackend);
      expect(selected.adapter).toBeDefined();
      const readSync = jest.spyOn(tf.backend(), 'readSync');
      const cfg = quickstart('webgpu', 2);
      const gpu = recorder();
      const lines: string[] = [];
      try {
        const result = await train(cfg, {
          ...quiet,
          log: (l) => lines.push(l),
          hooks: [gpu.hook],
          keepBackend: true,
        });
        expect(result).toMatchObject({ iteration: 2, finished: true });
      } finally {
        readSync.mockRestore();
      }
      expect(readSync).not.toHaveBeenCalled();
      expect(lines.join('\n')).toMatch(/mAP/);
      // Same initial weights and batch: the first step's loss is js's. Later steps go through BatchNorm over
      // 2 values per channel on 1×1 maps, which amplifies rounding: js and wasm differ by percents there too.
      expect(Math.abs(gpu.losses[0]!.loss - js.losses[0]!.loss) / js.losses[0]!.loss).toBeLessThan(1e-5);
      expect(gpu.losses.every((l) => Number.isFinite(l.loss))).toBe(true);
      expect(finalState(cfg).iteration).toBe(2);
    },
    LONG,
  );
});
