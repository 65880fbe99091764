/**
 * Raw-output parity of every backbone on every backend: class logits and box regressions of the reference
 * detector (lufficc/SSD run in float64 on trained-like formula weights, see
 * scripts/fixtures/generate_parity_fixtures.py) against ours, with the backend chosen as MODEL.DEVICE
 * chooses it. WebGPU runs where an adapter exists (Mesa's software Vulkan driver gives one) and is skipped
 * otherwise.
 */
import path from 'node:path';
import { loadConfig } from '@ssd/config';
import { SSDDetector } from '@ssd/modeling';
import { hasWebGpu } from '@ssd-test/kit';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src';
import {
  CONFIG_DIR,
  type ParityFixture,
  parityError,
  parityImage,
  parityStateDict,
  readParityFixture,
} from './helpers/parity-fixture';

const CONFIGS = [
  'vgg_ssd300_voc0712',
  'vgg_ssd512_voc0712',
  'mobilenet_v2_ssd320_voc0712',
  'mobilenet_v3_ssd320_voc0712',
  'efficient_net_b3_ssd300_voc0712',
];

/**
 * The bar: PyTorch's own float32 run misses its float64 run by e_torch (6e-7 for VGG, up to 1.3e-5 for
 * MobileNetV2, per fixture and output); float32 on another backend rounds in another order, so about the same
 * again (measured 0.3–3.5 e_torch), hence 4·e_torch plus 2e-6 for VGG's tiny e_torch. That still fails a wrong
 * layer, a weight in the wrong layout or a lossy kernel: with wasm's own sequential float32 Mean,
 * EfficientNet-B3 on wasm was 2.2e-5 / 1.9e-5 off (js: 5.7e-6 / 3.5e-6), over its bar of 2.0e-5 / 1.5e-5.
 */
function tolerance(torchFloat32Error: number): number {
  return 4 * torchFloat32Error + 2e-6;
}

type Device = 'js' | 'wasm' | 'webgpu';

/**
 * Cases that take minutes on two CPU cores, run only with SSD_PARITY=all: VGG's 31–40 GFLOP forward on the
 * pure-JS backend (150–230 s) and on a software WebGPU device (~40 s). The rest take 1–20 s each.
 */
function slow(device: Device, config: string): boolean {
  return device !== 'wasm' && config.startsWith('vgg');
}
const RUN_ALL = process.env.SSD_PARITY === 'all';

const DEVICES: Array<{ device: Device; available: boolean }> = [
  { device: 'js', available: true },
  { device: 'wasm', available: true },
  { device: 'webgpu', available: hasWebGpu() },
];

/** Measured errors, printed as one table at the end. */
const table: string[] = [];

afterAll(() => {
  if (table.length) console.log(`raw-output error / max |reference| (cls, box):\n${table.join('\n')}`);
});

/** Our raw outputs for the fixture's weights and image on the current backend. */
async function ourOutputs(fixture: ParityFixture): Promise<{ cls: Float32Array; box: Float32Array }> {
  // VGG512 runs on a smaller image than its config's: the priors' feature map sizes follow the image.
  const featureMaps = fixture.featureShapesNCHW.map(([, h]) => h);
  const cfg = loadConfig(path.join(CONFIG_DIR, `${fixture.config}.yaml`), [
    'MODEL.PRIORS.FEATURE_MAPS',
    JSON.stringify(featureMaps),
  ]);
  const model = new SSDDetector(cfg);
  try {
    model.loadTorchStateDict(parityStateDict(fixture), `parity_${fixture.config}.json`);
    const images = parityImage(fixture);
    const { clsLogits, bboxPred } = model.predict(images);
    images.dispose();
    expect(clsLogits.shape).toEqual([1, fixture.numPriors, fixture.clsLogits[0]!.length]);
    expect(bboxPred.shape).toEqual([1, fixture.numPriors, 4]);
    const [cls, box] = (await Promise.all([clsLogits.data(), bboxPred.data()])) as Float32Array[];
    tf.dispose([clsLogits, bboxPred]);
    return { cls: cls!, box: box! };
  } finally {
    model.dispose();
  }
}

describe.each(DEVICES)('MODEL.DEVICE $device', ({ device, available }) => {
  beforeAll(async () => {
    if (!available) return;
    // Test files share one tfjs engine: a webgpu backend an earlier file made belongs to that file's copy of
    // tfjs-backend-webgpu and its Dawn instance, and hangs when this file's kernels drive it. Start afresh.
    if (device === 'webgpu' && tf.findBackend('webgpu')) tf.removeBackend('webgpu');
    await initBackend(device, () => {});
  });

  const cases = CONFIGS.map((config) => ({ config, run: available && (RUN_ALL || !slow(device, config)) }));
  const run = cases.filter((c) => c.run);
  const skipped = cases.filter((c) => !c.run);
  // jest refuses an empty table, hence the guards.
  if (run.length === 0) return void test.skip.each(skipped)('$config (no WebGPU adapter)', () => {});
  test.each(run)(
    '$config: raw outputs match the float64 reference',
    async ({ config }) => {
      const fixture = readParityFixture(config);
      const started = Date.now();
      const { cls, box } = await ourOutputs(fixture);
      const errors = {
        cls: parityError(cls, fixture.clsLogits, fixture.rows, fixture.maxAbs.clsLogits),
        box: parityError(box, fixture.bboxPred, fixture.rows, fixture.maxAbs.bboxPred),
      };
      const bar = fixture.torchFloat32Error;
      table.push(
        `  ${device.padEnd(6)} ${config.padEnd(32)} ${errors.cls.toExponential(1)} ${errors.box.toExponential(1)}` +
          `  (torch float32 ${bar.clsLogits.toExponential(1)} ${bar.bboxPred.toExponential(1)}, ${Date.now() - started} ms)`,
      );
      expect(errors.cls).toBeLessThanOrEqual(tolerance(bar.clsLogits));
      expect(errors.box).toBeLessThanOrEqual(tolerance(bar.bboxPred));
    },
    600000,
  );
  if (skipped.length)
    test.skip.each(skipped)('$config (minutes on this device: set SSD_PARITY=all)', () => {});
});
