/**
 * Predictor's batched path against its single-image one on the demo photos (tfjs and ONNX Runtime), and `.onnx`
 * models on ONNX Runtime's WebGPU provider (MODEL.DEVICE webgpu; Mesa's software Vulkan device in CI) against its
 * CPU provider.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, VOC_CLASSES } from '@ssd/config';
import { type DecodedImage, decodeImage } from '@ssd/image';
import { buildDetectionModel } from '@ssd/modeling';
import { exportOnnx } from '@ssd/onnx';
import { demoImages, describeWebGpu, REFERENCE_PTH } from '@ssd-test/kit';
import {
  type DetectedObject,
  type ImageResult,
  initBackend,
  loadWeights,
  Predictor,
  prepareImage,
} from '../src';

const CONFIG = 'mobilenet_v2_ssd320_voc0712';
let dir: string;
let onnxFile: string;
let photos: DecodedImage[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ssd-predictor-'));
  photos = await Promise.all(demoImages().map((f) => decodeImage(f)));
  await initBackend('wasm', () => {});
  const model = buildDetectionModel(loadConfig(CONFIG));
  loadWeights(model, REFERENCE_PTH);
  onnxFile = path.join(dir, 'mobilenet_v2.onnx');
  writeFileSync(onnxFile, exportOnnx(model));
  model.dispose();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(
  ckpt: string,
  device: string,
  log: (line: string) => void = () => {},
): Promise<Predictor> {
  return Predictor.load(loadConfig(CONFIG, ['MODEL.DEVICE', device]), ckpt, VOC_CLASSES, log);
}

describe.each([
  { name: 'tfjs', ckpt: () => REFERENCE_PTH, runtime: { runtime: 'tfjs', backend: 'wasm', device: 'wasm' } },
  { name: '.onnx', ckpt: () => onnxFile, runtime: { runtime: 'onnxruntime', backend: 'cpu', device: 'cpu' } },
])('detectBatch ($name)', ({ ckpt, runtime }) => {
  let predictor: Predictor;
  beforeAll(async () => {
    predictor = await load(ckpt(), 'wasm');
  });
  afterAll(() => predictor.dispose());

  it('runs the demo photos as one batch with the objects detect gives each alone', async () => {
    expect(predictor.runtime).toMatchObject(runtime);
    const batch = await predictor.detectBatch(photos, 0.5);
    expect(batch).toHaveLength(photos.length);
    for (const [i, photo] of photos.entries()) {
      const alone = await predictor.detect(photo, 0.5);
      expect(batch[i]!.objects.length).toBeGreaterThan(0);
      expect(batch[i]!.objects).toEqual(alone.objects);
      expect([batch[i]!.width, batch[i]!.height]).toEqual([photo.width, photo.height]);
    }
    // The batch's time is the batch's, shared by its images.
    expect(new Set(batch.map((r) => r.inferenceMs)).size).toBe(1);
  });

  it('detectPrepared takes prepared images and refuses one of the wrong size, naming it', async () => {
    const prepared = photos.slice(0, 2).map((p) => prepareImage(p, predictor.cfg));
    expect(prepared[0]!.input).toHaveLength(320 * 320 * 3);
    const results = await predictor.detectPrepared(prepared, 0.5);
    expect(results.map((r) => r.objects)).toEqual(
      (await predictor.detectBatch(photos.slice(0, 2), 0.5)).map((r) => r.objects),
    );
    const small = { ...prepared[1]!, input: new Float32Array(300 * 300 * 3) };
    await expect(predictor.detectPrepared([prepared[0]!, small])).rejects.toThrow(
      'prepared image 1 has 270000 values; INPUT.IMAGE_SIZE 320 needs 320×320×3 = 307200',
    );
    expect(await predictor.detectPrepared([])).toEqual([]);
  });
});

/** Whether each confident detection of `want` (clear of the cut-off's near-ties) is in `got`, within float32 noise. */
function sameDetections(
  got: ImageResult,
  want: ImageResult,
): { compared: number; missing: DetectedObject[] } {
  const cut = Math.min(...want.objects.map((o) => o.score)) + 1e-3;
  const missing: DetectedObject[] = [];
  let compared = 0;
  for (const o of want.objects.filter((w) => w.score > cut)) {
    compared++;
    const found = got.objects.some(
      (g) =>
        g.labelId === o.labelId &&
        Math.abs(g.score - o.score) < 2e-4 &&
        g.box.every((v, k) => Math.abs(v - o.box[k]!) < 0.05 + 2e-4 * Math.abs(o.box[k]!)),
    );
    if (!found) missing.push(o);
  }
  return { compared, missing };
}

describeWebGpu('.onnx on ONNX Runtime’s WebGPU provider', () => {
  it('MODEL.DEVICE webgpu runs it there, with the CPU provider’s detections', async () => {
    const lines: string[] = [];
    const gpu = await load(onnxFile, 'webgpu', (l) => lines.push(l));
    const cpu = await load(onnxFile, 'cpu');
    try {
      expect(gpu.runtime).toMatchObject({ runtime: 'onnxruntime', backend: 'webgpu', device: 'webgpu' });
      expect(gpu.runtime.adapter?.name).toBeTruthy();
      expect(lines.join('\n')).toContain(`ONNX Runtime's webgpu execution provider on `);
      const two = photos.slice(0, 2);
      const [fromGpu, fromCpu] = [await gpu.detectBatch(two), await cpu.detectBatch(two)];
      for (const i of [0, 1]) {
        const { compared, missing } = sameDetections(fromGpu[i]!, fromCpu[i]!);
        expect(compared).toBeGreaterThan(50);
        expect(missing).toEqual([]);
      }
    } finally {
      gpu.dispose();
      cpu.dispose();
    }
  });

  it('auto takes it only on a hardware adapter, and says what it skipped', async () => {
    const lines: string[] = [];
    const predictor = await load(onnxFile, 'auto', (l) => lines.push(l));
    try {
      const { backend, adapter } = predictor.runtime;
      if (backend === 'webgpu') expect(adapter?.software).not.toBe(true);
      else expect(lines.join('\n')).toMatch(/MODEL\.DEVICE auto; skipped webgpu: /);
    } finally {
      predictor.dispose();
    }
  });
});
