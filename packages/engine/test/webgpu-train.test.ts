/**
 * Training on the webgpu backend (Mesa's software Vulkan device in CI): the quick-start config trains with
 * losses equal to the pure-JS backend's, reads nothing synchronously from the device (GPU backends have no
 * synchronous read in Node), and resumes exactly.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type SSDConfig } from '@ssd/config';
import { writeShapesDataset } from '@ssd/data';
import { multiBoxLoss } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';
import {
  Checkpointer,
  initBackend,
  loadTrainingCheckpoint,
  type StepInfo,
  type TrainHook,
  train,
} from '../src';
import { describeWebGpu } from './helpers/webgpu';

const REPO = path.resolve(__dirname, '../../..');
const QUICKSTART = path.join(REPO, 'configs/quickstart_mobilenet_v2_ssdlite_shapes.yaml');
const quiet = { log: () => {}, progress: false as const, saveStep: 0, evalStep: 0 };

/** The quick-start config for `iterations` steps of batch 2 on a fresh OUTPUT_DIR. */
function quickstart(device: string, iterations: number): SSDConfig {
  const out = mkdtempSync(path.join(tmpdir(), `ssd-webgpu-${device}-`));
  return structuredClone(
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

/** Records each step's losses. */
function recorder(): { hook: TrainHook; losses: StepInfo['losses'][] } {
  const losses: StepInfo['losses'][] = [];
  return { losses, hook: { afterStep: (_ctx, step) => void losses.push(step.losses) } };
}

/** Aborts training right after iteration `at`. */
function stopAfter(at: number): { hook: TrainHook; signal: AbortSignal } {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    hook: { afterStep: (_c, s) => void (s.iteration === at && controller.abort()) },
  };
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
    await initBackend('webgpu', () => {});
    const fx = JSON.parse(
      readFileSync(path.join(REPO, '../shared/fixtures/reference/multibox_loss.json'), 'utf8'),
    ) as {
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
  const js = recorder();
  const gpu = recorder();
  let straightCfg: SSDConfig;

  it(
    'trains the quick-start config on js (the reference run)',
    async () => {
      await train(quickstart('js', 2), { ...quiet, hooks: [js.hook] });
      expect(js.losses).toHaveLength(2);
    },
    LONG,
  );

  it(
    "trains it on webgpu with js's losses, reading nothing synchronously",
    async () => {
      // Every read the trainer, its hooks (checkpoint, evaluation) and the loss make must be asynchronous.
      const selected = await initBackend('webgpu', () => {});
      expect(selected.adapter).toBeDefined();
      const readSync = jest.spyOn(tf.backend(), 'readSync');
      straightCfg = quickstart('webgpu', 2);
      try {
        await train(straightCfg, { ...quiet, hooks: [gpu.hook], keepBackend: true });
      } finally {
        readSync.mockRestore();
      }
      expect(readSync).not.toHaveBeenCalled();
      // Same data, same initial weights: the losses agree to float32 rounding, amplified a little by one SGD
      // step through BatchNorm over 2 values per channel on the 1×1 maps (js and wasm differ as much).
      expect(gpu.losses).toHaveLength(2);
      gpu.losses.forEach((l, i) => {
        const ref = js.losses[i]!.loss;
        expect(Math.abs(l.loss - ref) / ref).toBeLessThan(i === 0 ? 1e-5 : 1e-3);
      });
    },
    LONG,
  );

  it(
    'stopped and resumed on webgpu, reaches exactly the parameters of the uninterrupted run',
    async () => {
      const splitCfg = quickstart('webgpu', 2);
      const { hook, signal } = stopAfter(1);
      await train(splitCfg, { ...quiet, hooks: [hook], signal, keepBackend: true });
      const resumed = await train(splitCfg, { ...quiet, keepBackend: true });
      expect(resumed.resumedFrom).toMatch(/model_000001\.safetensors$/);
      const a = finalState(straightCfg);
      const b = finalState(splitCfg);
      expect(b.iteration).toBe(2);
      for (const [key, t] of a.model) expect(Array.from(b.model.get(key)!.data)).toEqual(Array.from(t.data));
      for (const [key, buf] of Object.entries(a.optimizer!.momentumBuffers)) {
        expect(Array.from(b.optimizer!.momentumBuffers[key]!.values)).toEqual(Array.from(buf.values));
      }
    },
    LONG,
  );
});
