/**
 * What the browser costs, against Node on the same machine:
 *   - the README example's bundle (Vite's production build): gzipped JavaScript loaded at start and on demand,
 *     and the WebAssembly binaries and weights it fetches, listed apart;
 *   - MobileNetV2-SSD320 (the reference's random weights) on WebAssembly: Predictor.load, the first detection and
 *     the steady ms per image, in headless chromium and in Node (our wasm path), on the same decoded photos.
 * Run: pnpm --filter @ssd-test/browser bench (BENCH_ROUNDS=N: photo rounds, default 4; needs chromium: .ci/chromium)
 */
import { readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfig, VOC_CLASSES } from '@ssd/config';
import { Predictor } from '@ssd/engine';
import { decodeImage } from '@ssd/image';
import { demoImages, launchChromium, REFERENCE_PTH, startServer } from '@ssd-test/kit';
import { buildPage } from '../src/bundle';
import { watchPage } from '../src/page';
import { readmeBrowserBlocks, readmeExample } from '../src/readme-example';

// Printed straight to stdout: jest would wrap each console.log in a location header.
const print = (line = '') => process.stdout.write(`${line}\n`);

const CONFIG = 'mobilenet_v2_ssd320_voc0712';
const rounds = Number(process.env.BENCH_ROUNDS) || 4;
const PHOTOS = demoImages();

/** The timing page: the same API as the README's example, timed (every photo decoded first, as in Node). */
const TIMING = `
import { loadConfig, VOC_CLASSES } from '@ssd/config';
import { Predictor } from '@ssd/engine';
import { decodeImage } from '@ssd/image';

const cfg = loadConfig('${CONFIG}', ['MODEL.DEVICE', 'wasm']);
const images = await Promise.all([...document.querySelectorAll('img')].map((img) => decodeImage(img)));
const start = performance.now();
const predictor = await Predictor.load(cfg, '${CONFIG}.pth', VOC_CLASSES, () => {});
const loadMs = performance.now() - start;
const times = [];
for (let r = 0; r < ${rounds}; r++) {
  for (const image of images) {
    const t = performance.now();
    await predictor.detect(image, 0.5);
    times.push(performance.now() - t);
  }
}
window.__bench = { loadMs, times };
`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

async function bundleSizes(): Promise<void> {
  const built = await buildPage('bench-bundle', {
    'index.html': readmeBrowserBlocks().get('index.html')!,
    'main.js': readmeExample(),
  });
  const html = readFileSync(path.join(built.dir, 'index.html'), 'utf8');
  const js = built.files.filter((f) => f.gzipBytes !== undefined);
  const initial = js.filter((f) => html.includes(path.basename(f.file)));
  const lazy = js.filter((f) => !initial.includes(f));
  const sum = (files: typeof js) => files.reduce((s, f) => s + f.gzipBytes!, 0);
  print("The README's browser example, Vite production build:");
  print(
    `  JavaScript loaded at start: ${kb(sum(initial))} gzipped (${initial.map((f) => `${path.basename(f.file)} ${kb(f.bytes)}`).join(', ')})`,
  );
  print(
    `  JavaScript loaded on demand: ${kb(sum(lazy))} gzipped (${lazy.map((f) => `${path.basename(f.file)} ${kb(f.gzipBytes!)}`).join(', ')})`,
  );
  for (const f of built.files.filter((f) => f.file.endsWith('.wasm'))) {
    const gz = gzipSync(readFileSync(path.join(built.dir, f.file))).length;
    print(
      `  emitted ${path.basename(f.file)}: ${mb(f.bytes)} (${mb(gz)} gzipped; ONNX Runtime Web, for .onnx only)`,
    );
  }
  const tfjsWasm = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  for (const name of [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ]) {
    const bytes = readFileSync(path.join(tfjsWasm, 'dist', name));
    print(
      `  fetched ${name}: ${kb(bytes.length)} (${kb(gzipSync(bytes).length)} gzipped; one of the three, by the browser's features)`,
    );
  }
  print(
    `  weights: ${path.basename(REFERENCE_PTH)} ${mb(statSync(REFERENCE_PTH).size)}; the zoo's MobileNetV2-SSD320 25.5 MB, VGG16-SSD300 201 MB`,
  );
}

async function chromiumTimes(): Promise<{ loadMs: number; times: number[] }> {
  const built = await buildPage('bench-timing', {
    'index.html': `<!doctype html>\n${PHOTOS.map((p) => `<img src="/photos/${path.basename(p)}" alt="" />`).join('\n')}\n<script type="module" src="./main.js"></script>\n`,
    'main.js': TIMING,
  });
  const server = await startServer(
    { [`/bench/${CONFIG}.pth`]: REFERENCE_PTH },
    { '/photos/': path.dirname(PHOTOS[0]!), '/bench/': built.dir },
  );
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await watchPage(page, server.origin);
    await page.goto(`${server.origin}/bench/index.html`);
    await page.waitForFunction(() => (window as { __bench?: unknown }).__bench, { timeout: 600_000 });
    return await page.evaluate(
      () => (window as unknown as { __bench: { loadMs: number; times: number[] } }).__bench,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

async function nodeTimes(): Promise<{ loadMs: number; times: number[] }> {
  const cfg = loadConfig(CONFIG, ['MODEL.DEVICE', 'wasm']);
  const images = await Promise.all(PHOTOS.map((p) => decodeImage(p)));
  const start = performance.now();
  const predictor = await Predictor.load(cfg, REFERENCE_PTH, VOC_CLASSES, () => {});
  const loadMs = performance.now() - start;
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const image of images) {
      const t = performance.now();
      await predictor.detect(image, 0.5);
      times.push(performance.now() - t);
    }
  }
  predictor.dispose();
  return { loadMs, times };
}

async function main(): Promise<void> {
  await bundleSizes();
  const browser = await chromiumTimes();
  const node = await nodeTimes();
  const row = (name: string, r: { loadMs: number; times: number[] }) =>
    `  ${name.padEnd(24)} load ${r.loadMs.toFixed(0).padStart(5)} ms   first detection ${r.times[0]!.toFixed(0).padStart(5)} ms   steady ${median(r.times.slice(1)).toFixed(0).padStart(4)} ms/image`;
  print(
    `\nMobileNetV2-SSD320 on WebAssembly, ${PHOTOS.length} photos × ${rounds} (decoded first), load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}:`,
  );
  print(row('headless chromium', browser));
  print(row('Node (our wasm path)', node));
  const ratio = median(browser.times.slice(1)) / median(node.times.slice(1));
  print(
    `  steady ms/image, chromium ÷ Node: ${ratio.toFixed(2)}; first detection: ${(browser.times[0]! / node.times[0]!).toFixed(2)}`,
  );
}

it('measures the browser against Node', main);
