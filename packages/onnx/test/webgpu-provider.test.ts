/**
 * Every reference config's export on ONNX Runtime's WebGPU execution provider against its CPU provider: the same
 * seeded weights and images, raw scores and boxes compared, and every node of the graph placed on WebGPU. Runs
 * where Dawn finds an adapter (Mesa's software Vulkan device in CI, where each model's first run compiles its
 * shaders on the CPU: seconds to tens of seconds).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeWebGpu } from '@ssd-test/kit';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import * as ort from 'onnxruntime-node';
import { bundledProviders, checkProvider, exportOnnx, OnnxDetector, PROVIDER_CHECKSUM, toNCHW } from '../src';
import { randomDetector, randomImages } from './helpers/models';

const CONFIGS = [
  'mobilenet_v2_ssd320_voc0712',
  'mobilenet_v3_ssd320_voc0712',
  'efficient_net_b3_ssd300_voc0712',
  'vgg_ssd300_voc0712',
  'vgg_ssd512_voc0712',
];

/**
 * float32 on two providers: other kernels and summation orders. On Mesa's software device the outputs agree to
 * 2.4e-7 of the largest (EfficientNet-B3); a GPU's fused multiply-adds round differently, so 1e-4 — still orders
 * below what a wrong layout, padding or bias does (O(1)).
 */
const TOLERANCE = 1e-4;

let dir: string;
const table: string[] = [];

beforeAll(async () => {
  await tf.setBackend('wasm');
  dir = mkdtempSync(path.join(tmpdir(), 'ssd-onnx-webgpu-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (table.length) console.log(`WebGPU vs CPU provider, max |difference| / max |CPU|:\n${table.join('\n')}`);
});

function relativeError(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / scale;
}

describeWebGpu('ONNX Runtime’s WebGPU execution provider', () => {
  it('is bundled in onnxruntime-node and multiplies matrices correctly', async () => {
    expect(await bundledProviders()).toEqual(expect.arrayContaining(['cpu', 'webgpu']));
    expect(await checkProvider('webgpu')).toMatchObject({ provider: 'webgpu', checksum: PROVIDER_CHECKSUM });
  });

  it.each(CONFIGS)('%s: the CPU provider’s scores and boxes, every node on WebGPU', async (config) => {
    const model = randomDetector(config);
    const cfg = model.cfg;
    const size = cfg.INPUT.IMAGE_SIZE;
    const file = path.join(dir, `${config}.onnx`);
    writeFileSync(file, exportOnnx(model));
    model.dispose();
    const images = randomImages(1, size);
    const nchw = toNCHW(images.dataSync() as Float32Array, 1, size);
    images.dispose();

    // Partitioning alone: with CPU fallback disabled, a node WebGPU cannot run fails the session.
    const strict = await ort.InferenceSession.create(file, {
      executionProviders: ['webgpu'],
      extra: { session: { disable_cpu_ep_fallback: '1' } },
    });
    await strict.release();

    const cpu = await OnnxDetector.load(file, cfg);
    const gpu = await OnnxDetector.load(file, cfg, { executionProviders: ['webgpu'] });
    try {
      expect(gpu.executionProviders).toEqual(['webgpu']);
      const want = await cpu.run(nchw, 1);
      const got = await gpu.run(nchw, 1);
      const scores = relativeError(got.scores, want.scores);
      const boxes = relativeError(got.boxes, want.boxes);
      table.push(`  ${config}: scores ${scores.toExponential(1)}, boxes ${boxes.toExponential(1)}`);
      expect(scores).toBeLessThan(TOLERANCE);
      expect(boxes).toBeLessThan(TOLERANCE);
    } finally {
      cpu.dispose();
      gpu.dispose();
    }
  });
});
