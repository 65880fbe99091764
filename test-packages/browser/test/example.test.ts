/**
 * The README's browser example, bundled with Vite as written and run in headless chromium on the five demo photos,
 * finds the objects Node's Predictor finds on the same checkpoint (the reference's MobileNetV2-SSD320 weights): on
 * WebAssembly, on WebGPU, and as an ONNX export on ONNX Runtime Web.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, VOC_CLASSES } from '@ssd/config';
import { loadDetector, Predictor } from '@ssd/engine';
import type { SSDDetector } from '@ssd/modeling';
import { exportOnnx } from '@ssd/onnx';
import {
  demoImages,
  describeChromium,
  launchChromium,
  probeChromiumWebGpu,
  REFERENCE_PTH,
  startServer,
  type TestServer,
} from '@ssd-test/kit';
import type { Browser } from 'puppeteer-core';
import { buildPage, WORK_DIR } from '../src/bundle';
import { type Detected, differences } from '../src/compare';
import { type PageWatch, waitFor, watchPage } from '../src/page';
import { readmeExample, replaceOnce } from '../src/readme-example';

const CONFIG = 'mobilenet_v2_ssd320_voc0712';

/**
 * A page that gives `detect` the first photo as every kind of image a page holds (and three it cannot read): the
 * objects must be the same for each, as the pixels are.
 */
const INPUTS_PAGE = `
import { loadConfig, VOC_CLASSES } from '@ssd/config';
import { Predictor } from '@ssd/engine';
import { decodeImage } from '@ssd/image';

const cfg = loadConfig('${CONFIG}', ['MODEL.DEVICE', 'wasm']);
const predictor = await Predictor.load(cfg, '${CONFIG}.pth', VOC_CLASSES, () => {});
const img = document.querySelector('img');
await img.decode();
const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
const blob = new Blob([bytes], { type: 'image/jpeg' });
const bitmap = await createImageBitmap(blob);
const canvas = document.createElement('canvas');
canvas.width = bitmap.width;
canvas.height = bitmap.height;
canvas.getContext('2d').drawImage(bitmap, 0, 0);
const offscreen = new OffscreenCanvas(bitmap.width, bitmap.height);
offscreen.getContext('2d').drawImage(bitmap, 0, 0);
const imageData = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
const inputs = {
  img, url: img.src, bytes, arrayBuffer: bytes.slice().buffer, blob, file: new File([bytes], 'photo.jpg'), bitmap,
  canvas, offscreen, imageData, decoded: await decodeImage(blob),
};
const objects = {};
for (const [name, input] of Object.entries(inputs)) objects[name] = (await predictor.detect(input, 0.5)).objects;
const errors = {};
const unreadable = {
  missing: 'missing.jpg',
  text: new File(['not an image'], 'notes.txt'),
  svg: new File(['<svg xmlns="http://www.w3.org/2000/svg"></svg>'], 'drawing.svg'),
};
for (const [name, input] of Object.entries(unreadable)) {
  try {
    await predictor.detect(input, 0.5);
  } catch (e) {
    errors[name] = e.message;
  }
}
window.__inputs = { objects, errors };
console.info('inputs done');
`;
const PHOTOS = demoImages();
/** The pages this file builds, each served under its name. */
const PAGES = ['wasm', 'webgpu', 'onnx', 'inputs'];

/** The page: the demo photos as <img>s, and the example's module (as the README's index.html loads it). */
function indexHtml(photos: readonly string[]): string {
  const imgs = photos
    .map((p) => `<img src="/photos/${path.basename(p)}" alt="${path.basename(p)}" />`)
    .join('\n');
  return `<!doctype html>\n<meta charset="utf-8" />\n${imgs}\n<script type="module" src="./main.js"></script>\n`;
}

/** What the example printed: `console.log(img.src, objects)` for each photo, in order. */
function printedDetections(watch: PageWatch): { src: string; objects: Detected[] }[] {
  return watch.console
    .filter((c) => c.type === 'log' && typeof c.args[0] === 'string' && Array.isArray(c.args[1]))
    .map((c) => ({ src: c.args[0] as string, objects: c.args[1] as Detected[] }));
}

describeChromium('the README browser example in headless chromium', () => {
  let browser: Browser;
  let server: TestServer;
  /** Node's Predictor on each photo (wasm, as the reference numbers for every run). */
  const node = new Map<string, Detected[]>();

  beforeAll(async () => {
    const cfg = loadConfig(CONFIG, ['MODEL.DEVICE', 'wasm']);
    const predictor = await Predictor.load(cfg, REFERENCE_PTH, VOC_CLASSES, () => {});
    for (const photo of PHOTOS)
      node.set(path.basename(photo), (await predictor.detectFile(photo, 0.5)).objects);
    // The same weights as an ONNX export, as `ssd export` writes it.
    const { model } = await loadDetector(cfg, REFERENCE_PTH, () => {});
    mkdirSync(WORK_DIR, { recursive: true });
    const onnxFile = path.join(WORK_DIR, `${CONFIG}.onnx`);
    writeFileSync(onnxFile, exportOnnx(model as SSDDetector));
    model.dispose();
    predictor.dispose();
    const routes: Record<string, string> = {};
    for (const page of PAGES) {
      routes[`/${page}/${CONFIG}.pth`] = REFERENCE_PTH;
      routes[`/${page}/${CONFIG}.onnx`] = onnxFile;
    }
    server = await startServer(
      routes,
      Object.fromEntries([
        ['/photos/', path.dirname(PHOTOS[0]!)],
        ...PAGES.map((p) => [`/${p}/`, path.join(WORK_DIR, p, 'dist')]),
      ]),
    );
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Builds `main` as page `name` over `photos`, opens it and waits for the example to print every photo. */
  async function run(name: string, main: string, photos: readonly string[]) {
    await buildPage(name, { 'index.html': indexHtml(photos), 'main.js': main });
    const page = await browser.newPage();
    try {
      const watch = await watchPage(page, server.origin);
      await page.goto(`${server.origin}/${name}/index.html`);
      await waitFor(
        watch,
        () => printedDetections(watch).length === photos.length,
        240_000,
        `running page ${name}`,
      );
      expect(watch.refused).toEqual([]);
      return { watch, printed: printedDetections(watch) };
    } finally {
      await page.close();
    }
  }

  function expectNodeObjects(printed: { src: string; objects: Detected[] }[], photos: readonly string[]) {
    expect(printed.map((p) => path.basename(new URL(p.src).pathname))).toEqual(
      photos.map((p) => path.basename(p)),
    );
    for (const { src, objects } of printed) {
      const photo = path.basename(new URL(src).pathname);
      expect({ photo, differences: differences(node.get(photo)!, objects) }).toEqual({
        photo,
        differences: undefined,
      });
    }
  }

  it('as written: MODEL.DEVICE auto takes wasm (the adapter here is software) and finds what Node finds', async () => {
    const { watch, printed } = await run('wasm', readmeExample(), PHOTOS);
    const adapter = probeChromiumWebGpu();
    const hardware =
      adapter !== null && !adapter.isFallbackAdapter && !/swiftshader/i.test(adapter.architecture);
    const using = watch.console.find((c) => c.text.startsWith('Using backend'))?.text;
    expect(using).toMatch(
      hardware
        ? /^Using backend 'webgpu' \(MODEL.DEVICE auto/
        : /^Using backend 'wasm' \(MODEL.DEVICE auto → wasm\)/,
    );
    // The wasm binary came from the default location, jsDelivr's copy of the installed version.
    if (!hardware) expect(watch.fromCdn).toEqual(['tfjs-backend-wasm-simd.wasm']);
    expectNodeObjects(printed, PHOTOS);
  }, 300_000);

  (probeChromiumWebGpu() ? it : it.skip)(
    'on WebGPU (MODEL.DEVICE webgpu) finds what Node finds',
    async () => {
      const main = replaceOnce(
        readmeExample(),
        `loadConfig('${CONFIG}')`,
        `loadConfig('${CONFIG}', ['MODEL.DEVICE', 'webgpu'])`,
      );
      const { watch, printed } = await run('webgpu', main, PHOTOS);
      expect(watch.console.find((c) => c.text.startsWith('Using backend'))?.text).toMatch(
        /^Using backend 'webgpu' \(MODEL.DEVICE webgpu\) on (software adapter|GPU) '/,
      );
      expectNodeObjects(printed, PHOTOS);
    },
    300_000,
  );

  it('as an ONNX export on ONNX Runtime Web finds what Node finds', async () => {
    const main = replaceOnce(readmeExample(), `'${CONFIG}.pth'`, `'${CONFIG}.onnx'`);
    const { watch, printed } = await run('onnx', main, PHOTOS);
    expect(
      watch.console.some((c) => / on ONNX Runtime Web's (wasm|webgpu) execution provider/.test(c.text)),
    ).toBe(true);
    expectNodeObjects(printed, PHOTOS);
  }, 300_000);

  it('detects the same objects in every kind of image a page holds, and names what it cannot read', async () => {
    await buildPage('inputs', { 'index.html': indexHtml(PHOTOS.slice(0, 1)), 'main.js': INPUTS_PAGE });
    const page = await browser.newPage();
    try {
      const watch = await watchPage(page, server.origin);
      await page.goto(`${server.origin}/inputs/index.html`);
      await waitFor(
        watch,
        () => watch.console.some((c) => c.text === 'inputs done'),
        120_000,
        'detecting on each kind of image',
      );
      const { objects, errors } = await page.evaluate(
        () =>
          (
            window as unknown as {
              __inputs: { objects: Record<string, Detected[]>; errors: Record<string, string> };
            }
          ).__inputs,
      );
      const reference = node.get(path.basename(PHOTOS[0]!))!;
      expect(Object.keys(objects).sort()).toEqual(
        [
          'arrayBuffer',
          'bitmap',
          'blob',
          'bytes',
          'canvas',
          'decoded',
          'file',
          'img',
          'imageData',
          'offscreen',
          'url',
        ].sort(),
      );
      for (const [input, found] of Object.entries(objects)) {
        expect({ input, differences: differences(reference, found) }).toEqual({
          input,
          differences: undefined,
        });
      }
      expect(errors).toEqual({
        missing: `cannot decode image missing.jpg: HTTP 404 Not Found`,
        text: 'cannot decode image notes.txt: it is text, not one of the formats read (JPEG, PNG, WebP)',
        svg: 'cannot decode image drawing.svg: it is SVG (a vector format), not one of the formats read (JPEG, PNG, WebP)',
      });
    } finally {
      await page.close();
    }
  }, 300_000);
});
