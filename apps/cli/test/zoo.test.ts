import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cacheFileName, findZooModel } from '@ssd/engine';
import { DEMO_IMAGES_DIR as IMAGES, REFERENCE_DIR as REFERENCE } from '@ssd-test/kit';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'apps/cli/dist/bin.js');
// A reference-format checkpoint of the right architecture, served under the published file's name.
const CKPT = readFileSync(path.join(REFERENCE, 'mobilenet_v2_ssd320_random.pth'));
const tmp = (prefix: string) => mkdtempSync(path.join(tmpdir(), prefix));

/** Runs the CLI without blocking this process (the test's HTTP server must keep answering). */
function ssd(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

let server: Server;
let base: string;
const hits: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url!);
    if (req.url === '/mirror/mobilenet_v2_ssd320_voc0712_v2.pth') {
      res.writeHead(200, { 'content-length': CKPT.length }).end(CKPT);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const demoArgs = (out: string) => [
  'demo',
  '--config-file',
  path.join(ROOT, 'configs/mobilenet_v2_ssd320_voc0712.yaml'),
  '--ckpt',
  'mobilenet_v2_ssd320_voc0712',
  '--images_dir',
  IMAGES,
  '--output_dir',
  out,
  '--score_threshold',
  '0.9',
  'MODEL.DEVICE',
  'wasm',
];

describe('the reference model zoo by name', () => {
  it('ssd demo --ckpt mobilenet_v2_ssd320_voc0712 downloads the published file name through SSD_MIRROR, once', async () => {
    const cache = tmp('ssd-zoo-cache-');
    const out = tmp('ssd-zoo-demo-');
    const run = await ssd(demoArgs(out), { SSD_MIRROR: `${base}/mirror`, SSD_CACHE_DIR: cache });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // Cached under a hash of the zoo entry's URL, then its file name.
    const cached = path.join(cache, cacheFileName(findZooModel('mobilenet_v2_ssd320_voc0712')!.url));
    expect(run.stdout).toContain(
      `Downloading ${base}/mirror/mobilenet_v2_ssd320_voc0712_v2.pth to ${cached}`,
    );
    expect(readFileSync(cached).equals(CKPT)).toBe(true);
    // The detections are the reference model's on 000342.jpg, so the served weights are the ones in use.
    const fixture = JSON.parse(
      readFileSync(path.join(REFERENCE, 'mobilenet_v2_ssd320_forward.json'), 'utf8'),
    );
    const expectedLabels = (fixture.detections_in_input_pixels.scores as number[])
      .map((s, i) => [s, fixture.detections_in_input_pixels.labels[i]] as const)
      .filter(([s]) => s >= 0.9)
      .map(([, l]) => l);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as {
      image: string;
      detections: { label_id: number }[];
    }[];
    expect(results).toHaveLength(5);
    const entry = results.find((r) => r.image === fixture.demo_image)!;
    expect(entry.detections.map((d) => d.label_id)).toEqual(expectedLabels);

    // Offline afterwards: the cache answers, the mirror is not asked again.
    const before = hits.length;
    const again = await ssd(demoArgs(tmp('ssd-zoo-demo-')), {
      SSD_MIRROR: '/nonexistent/mirror',
      SSD_CACHE_DIR: cache,
    });
    expect(again.status).toBe(0);
    expect(again.stdout).not.toContain('Downloading');
    expect(hits.length).toBe(before);
  });

  it('a mirror without the file: one error line naming the file, the URL and SSD_MIRROR, no stack trace', async () => {
    const mirror = tmp('ssd-empty-mirror-');
    const run = await ssd(demoArgs(tmp('ssd-zoo-demo-')), {
      SSD_MIRROR: mirror,
      SSD_CACHE_DIR: tmp('ssd-zoo-cache-'),
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `ssd: error: cannot download mobilenet_v2_ssd320_voc0712_v2.pth: ${path.join(mirror, 'mobilenet_v2_ssd320_voc0712_v2.pth')} does not exist; ` +
        `SSD_MIRROR is set to '${mirror}': put mobilenet_v2_ssd320_voc0712_v2.pth there ` +
        '(it is https://github.com/lufficc/SSD/releases/download/1.2/mobilenet_v2_ssd320_voc0712_v2.pth), or unset SSD_MIRROR',
    ]);
  });

  it('ssd models lists every published name with its reference figure and size', async () => {
    const run = await ssd(['models'], {});
    expect(run.status).toBe(0);
    const rows = run.stdout.split('\n').slice(1, 8);
    expect(rows.map((r) => r.split(/\s{2,}/).slice(0, 4))).toEqual([
      ['vgg_ssd300_coco_trainval35k', 'COCO test-dev2015', 'box AP 25.2', '262MB'],
      ['vgg_ssd512_coco_trainval35k', 'COCO test-dev2015', 'box AP 29.0', '275MB'],
      ['vgg_ssd300_voc0712', 'VOC2007 test', 'mAP 77.7', '201MB'],
      ['vgg_ssd512_voc0712', 'VOC2007 test', 'mAP 80.7', '207MB'],
      ['mobilenet_v2_ssd320_voc0712', 'VOC2007 test', 'mAP 68.9', '25.5MB'],
      ['mobilenet_v3_ssd320_voc0712', 'VOC2007 test', 'mAP 69.5', '29.9MB'],
      ['efficient_net_b3_ssd300_voc0712', 'VOC2007 test', 'mAP 73.9', '97.1MB'],
    ]);
  });
});
