/**
 * `ssd serve` as a process: it serves the reference's MobileNetV2-SSD320 on 127.0.0.1, and SIGTERM with requests in
 * flight answers every one of them and exits 0.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { demoImages, REFERENCE_PTH } from '@ssd-test/kit';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'apps/cli/dist/bin.js');
const CONFIG = path.join(ROOT, 'configs/mobilenet_v2_ssd320_voc0712.yaml');

interface Answer {
  status: number;
  body: string;
}

function post(url: string, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', headers: { 'content-type': 'image/jpeg', 'content-length': body.length } },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function get(url: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      })
      .on('error', reject);
  });
}

/** Starts `ssd serve …` and resolves with the process, its output so far, and the URL it printed. */
function serve(...args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: ROOT });
  let out = '';
  child.stdout!.on('data', (c) => {
    out += c;
  });
  child.stderr!.on('data', (c) => {
    out += c;
  });
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const m = /Serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearInterval(poll);
        resolve({ child, url: m[1]!, output: () => out });
      }
    }, 20);
    child.on('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`ssd serve exited with ${code} before serving:\n${out}`));
    });
  });
}

it('serves detections, then drains on SIGTERM: every request in flight answered, exit 0', async () => {
  const { child, url, output } = await serve(
    ...['--config-file', CONFIG, '--ckpt', REFERENCE_PTH, '--port', '0'],
    ...['--max-batch', '4', '--max-delay-ms', '50', '--drain-timeout', '60', 'MODEL.DEVICE', 'wasm'],
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    const model = JSON.parse((await get(`${url}/v1/model`)).body);
    expect(model).toMatchObject({
      name: 'mobilenet_v2_ssd320_voc0712',
      checkpoint: REFERENCE_PTH,
      inputSize: 320,
      runtime: { runtime: 'tfjs', backend: 'wasm' },
      batching: { maxBatch: 4, maxDelayMs: 50, maxQueue: 64 },
    });
    const photos = demoImages().map((f) => readFileSync(f));
    const requests = [...photos, ...photos.slice(0, 3)].map((p) => post(`${url}/v1/detect`, p));
    // Once the first answer is back the others are admitted, queued or in the model.
    await Promise.race(requests);
    child.kill('SIGTERM');
    const answers = await Promise.all(requests);
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    for (const a of answers) expect(JSON.parse(a.body).objects.length).toBeGreaterThan(0);
    expect(await exited).toBe(0);
    expect(output()).toContain('SIGTERM: draining');
    expect(output()).toContain('Drained: every request answered.');
  } finally {
    child.kill('SIGKILL');
  }
});

it('refuses a bad option naming it', () => {
  const r = spawnSync(
    process.execPath,
    [BIN, 'serve', '--config-file', CONFIG, '--ckpt', REFERENCE_PTH, '--max-batch', '0'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain('--max-batch must be an integer ≥ 1');
});
