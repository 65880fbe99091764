/**
 * `.onnx` models on ONNX Runtime's WebGPU execution provider from the command line (MODEL.DEVICE webgpu), where
 * Dawn finds an adapter (Mesa's software Vulkan device in CI): `ssd demo` gives the CPU provider's detections and
 * `ssd serve` answers from the WebGPU provider.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { demoImages, describeWebGpu, REFERENCE_PTH } from '@ssd-test/kit';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'apps/cli/dist/bin.js');
const CONFIG = path.join(ROOT, 'configs/mobilenet_v2_ssd320_voc0712.yaml');

function ssd(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Entry {
  image: string;
  detections: { box: number[]; label_id: number; score: number }[];
}

describeWebGpu('.onnx on ONNX Runtime’s WebGPU provider from the command line', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'ssd-onnx-webgpu-'));
  const onnxFile = path.join(out, 'mobilenet_v2.onnx');
  const images = path.join(out, 'images');

  beforeAll(() => {
    const r = ssd('export', '--config-file', CONFIG, '--ckpt', REFERENCE_PTH, '--output', onnxFile);
    expect(r.code).toBe(0);
    mkdirSync(images);
    for (const file of demoImages().slice(0, 2)) copyFileSync(file, path.join(images, path.basename(file)));
  });

  it('ssd demo MODEL.DEVICE webgpu runs there with the CPU provider’s detections', () => {
    const demo = (device: string) => {
      const dir = path.join(out, device);
      const r = ssd(
        ...['demo', '--config-file', CONFIG, '--ckpt', onnxFile, '--images_dir', images],
        ...['--output_dir', dir, '--score_threshold', '0.9', 'MODEL.DEVICE', device],
      );
      expect(r.code).toBe(0);
      return {
        log: r.out,
        results: JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as Entry[],
      };
    };
    const gpu = demo('webgpu');
    const cpu = demo('cpu');
    expect(gpu.log).toContain("ONNX Runtime's webgpu execution provider on ");
    expect(cpu.log).toContain("ONNX Runtime's cpu execution provider");
    let compared = 0;
    for (const [i, want] of cpu.results.entries()) {
      const got = gpu.results[i]!;
      expect(got.image).toBe(want.image);
      // Clear of the 0.9 cut, where float32 noise could move a detection across it.
      for (const d of want.detections.filter((w) => w.score > 0.9 + 1e-3)) {
        const same = got.detections.some(
          (g) =>
            g.label_id === d.label_id &&
            Math.abs(g.score - d.score) < 2e-4 &&
            g.box.every((v, k) => Math.abs(v - d.box[k]!) < 0.05 + 2e-4 * Math.abs(d.box[k]!)),
        );
        expect({ image: want.image, ...d, same }).toEqual({ image: want.image, ...d, same: true });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  it('ssd serve MODEL.DEVICE webgpu answers from the WebGPU provider', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--config-file', CONFIG, '--ckpt', onnxFile, '--port', '0', 'MODEL.DEVICE', 'webgpu'],
      { cwd: ROOT },
    );
    let log = '';
    child.stdout.on('data', (c) => {
      log += c;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const poll = setInterval(() => {
          const m = /Serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
          if (m) {
            clearInterval(poll);
            resolve(m[1]!);
          }
        }, 20);
        child.on('exit', (code) => reject(new Error(`ssd serve exited with ${code}:\n${log}`)));
      });
      const model = (await (await fetch(`${url}/v1/model`)).json()) as {
        runtime: { runtime: string; backend: string; device: string; adapter: { name: string } };
      };
      expect(model.runtime).toMatchObject({ runtime: 'onnxruntime', backend: 'webgpu', device: 'webgpu' });
      expect(model.runtime.adapter.name).toBeTruthy();
      const answer = await fetch(`${url}/v1/detect?score_threshold=0.9`, {
        method: 'POST',
        headers: { 'content-type': 'image/jpeg' },
        body: readFileSync(demoImages()[0]!),
      });
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { objects: unknown[] }).objects.length).toBeGreaterThan(0);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
