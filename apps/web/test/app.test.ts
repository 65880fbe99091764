/**
 * The demo app, built by Vite and served over HTTP on 127.0.0.1, in headless chromium: a model from a file and
 * from the model zoo through a mirror, a photo given to it, its results.json read back and compared with Node's
 * Predictor, the camera (chromium's stand-in) detected live, and bad inputs shown as clear messages in the page.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, VOC_CLASSES } from '@ssd/config';
import { initBackend, loadDetector, Predictor, type ResultEntry, writeTorchCheckpoint } from '@ssd/engine';
import { buildDetectionModel, type SSDDetector } from '@ssd/modeling';
import { exportOnnx } from '@ssd/onnx';
import {
  demoImages,
  describeChromium,
  FAKE_CAMERA_ARGS,
  launchChromium,
  REFERENCE_PTH,
  startServer,
  type TestServer,
} from '@ssd-test/kit';
import type { Browser, Page } from 'puppeteer-core';

const APP = path.resolve(__dirname, '..');
const DIST = path.join(APP, 'dist');
/** Where the screenshot goes (the README shows a copy of it). */
const SCREENSHOT = path.join(APP, '.test-output', 'web-demo.png');
const CONFIG = 'mobilenet_v2_ssd320_voc0712';
const PHOTO = demoImages()[1]!;
// The reference weights are random: nearly every box scores over 0.9, so the photo keeps only the surest few.
const THRESHOLD = 0.999;

describeChromium('the demo app (apps/web) in headless chromium', () => {
  let browser: Browser;
  let server: TestServer;
  let page: Page;
  const work = path.join(tmpdir(), `ssd-web-test-${process.pid}`);
  let expected: ResultEntry;
  const onnxFile = path.join(work, `${CONFIG}.onnx`);

  beforeAll(async () => {
    // The static build the README tells users to serve (pnpm build makes it; built here when missing).
    if (!existsSync(path.join(DIST, 'index.html'))) {
      execFileSync(process.execPath, [require.resolve('vite/bin/vite.js'), 'build'], {
        cwd: APP,
        stdio: 'ignore',
      });
    }
    mkdirSync(work, { recursive: true });
    const cfg = loadConfig(CONFIG, ['MODEL.DEVICE', 'wasm']);
    const predictor = await Predictor.load(cfg, REFERENCE_PTH, VOC_CLASSES, () => {});
    const r = await predictor.detectFile(PHOTO, THRESHOLD);
    expected = {
      image: path.basename(PHOTO),
      width: r.width,
      height: r.height,
      detections: r.objects.map((o) => ({ box: o.box, label: o.label, label_id: o.labelId, score: o.score })),
    };
    predictor.dispose();
    // Bad inputs: a text file given as an image, a checkpoint cut short, one for 6 classes (the config has 21).
    writeFileSync(path.join(work, 'notes.txt'), 'not an image\n');
    const pth = readFileSync(REFERENCE_PTH);
    writeFileSync(path.join(work, 'truncated.pth'), pth.subarray(0, pth.length >> 1));
    await initBackend('wasm', () => {});
    const six = buildDetectionModel(loadConfig(CONFIG, ['MODEL.NUM_CLASSES', '6', 'MODEL.DEVICE', 'wasm']));
    writeFileSync(
      path.join(work, 'six-classes.pth'),
      writeTorchCheckpoint({ stateDict: six.torchStateDict(), extras: {} }),
    );
    six.dispose();
    // The same weights as an ONNX export, as `ssd export` writes it.
    const { model } = await loadDetector(cfg, REFERENCE_PTH, () => {});
    writeFileSync(onnxFile, exportOnnx(model as SSDDetector));
    model.dispose();
    // The app, and a mirror holding the zoo's MobileNetV2 file under its published name.
    server = await startServer(
      { '/mirror/mobilenet_v2_ssd320_voc0712_v2.pth': REFERENCE_PTH },
      { '/': DIST },
    );
    browser = await launchChromium(FAKE_CAMERA_ARGS);
    page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 900 });
    await page.goto(`${server.origin}/index.html`);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const text = (selector: string) => page.$eval(selector, (e) => (e as HTMLElement).textContent ?? '');
  const errorShown = () =>
    page.$eval('#error', (e) => ((e as HTMLElement).hidden ? '' : ((e as HTMLElement).textContent ?? '')));

  /** Clicks Load and waits until the page says it is ready or shows an error; returns which. */
  async function load(): Promise<{ status: string; error: string }> {
    await page.click('#load');
    await page.waitForFunction(
      () => /^(Ready|No model)/.test(document.getElementById('status')!.textContent ?? ''),
      {
        timeout: 120_000,
        polling: 100,
      },
    );
    return { status: await text('#status'), error: await errorShown() };
  }

  async function loadFile(file: string): Promise<{ status: string; error: string }> {
    await page.select('#source', 'file');
    const input = await page.$('input#checkpoint');
    await input!.uploadFile(file);
    return load();
  }

  async function giveImages(...files: string[]): Promise<void> {
    const count = await page.$$eval('#results li', (items) => items.length);
    const input = await page.$('input#images');
    await input!.uploadFile(...files);
    await page.waitForFunction(
      (before, errors) =>
        document.querySelectorAll('#results li').length > before ||
        (errors && !document.getElementById('error')!.hidden),
      { timeout: 120_000, polling: 100 },
      count,
      files.some((f) => !/\.jpe?g$/.test(f)),
    );
  }

  it('loads a .pth from disk, detects on a photo what Node finds, and offers it as results.json', async () => {
    expect(await loadFile(REFERENCE_PTH)).toEqual({
      status: `Ready: ${CONFIG} from ${path.basename(REFERENCE_PTH)}. Drop images or start the camera.`,
      error: '',
    });
    expect(await text('#backend')).toBe('TensorFlow.js · wasm');
    await page.$eval(
      '#threshold',
      (e, value) => {
        (e as HTMLInputElement).value = String(value);
      },
      THRESHOLD,
    );
    await giveImages(PHOTO);
    expect(await errorShown()).toBe('');
    const json = await page.$eval('#download', (a) =>
      fetch((a as HTMLAnchorElement).href).then((r) => r.text()),
    );
    const [entry, ...others] = JSON.parse(json) as ResultEntry[];
    expect(others).toEqual([]);
    expect({ ...entry!, detections: [] }).toEqual({ ...expected, detections: [] });
    expect(entry!.detections.length).toBe(expected.detections.length);
    expect(expected.detections.length).toBeGreaterThan(0);
    for (const [i, d] of entry!.detections.entries()) {
      const want = expected.detections[i]!;
      expect([d.label, d.label_id]).toEqual([want.label, want.label_id]);
      expect(Math.abs(d.score - want.score)).toBeLessThanOrEqual(1e-4);
      for (const [k, v] of d.box.entries()) expect(Math.abs(v - want.box[k]!)).toBeLessThanOrEqual(0.5);
    }
    expect(await text('#results')).toContain(
      `${path.basename(PHOTO)}: ${expected.detections.length} objects`,
    );
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT as `${string}.png`, fullPage: true });
    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe('PNG');
  }, 300_000);

  it('runs the camera live, showing ms/frame', async () => {
    await page.click('#camera');
    await page.waitForFunction(() => /ms\/frame/.test(document.getElementById('timing')!.textContent ?? ''), {
      timeout: 60_000,
      polling: 100,
    });
    expect(await text('#timing')).toMatch(/^camera: \d+ ms\/frame \(average \d+\)$/);
    await page.click('#camera');
    expect(await errorShown()).toBe('');
  }, 120_000);

  it('loads the config’s model-zoo file through a mirror URL, then from the page’s cache', async () => {
    await page.select('#source', 'zoo');
    await page.$eval(
      '#mirror',
      (e, url) => {
        (e as HTMLInputElement).value = url;
      },
      `${server.origin}/mirror/`,
    );
    const ready = {
      status: `Ready: ${CONFIG} from the model zoo. Drop images or start the camera.`,
      error: '',
    };
    expect(await load()).toEqual(ready);
    expect(await load()).toEqual(ready);
    // Downloaded once: the second load read the Cache API's copy.
    expect(server.requests.filter((r) => r.startsWith('/mirror/'))).toEqual([
      '/mirror/mobilenet_v2_ssd320_voc0712_v2.pth',
    ]);
  }, 120_000);

  it('loads an .onnx export from disk and runs it on ONNX Runtime Web', async () => {
    expect(await loadFile(onnxFile)).toEqual({
      status: `Ready: ${CONFIG} from ${path.basename(onnxFile)}. Drop images or start the camera.`,
      error: '',
    });
    expect(await text('#backend')).toBe('ONNX Runtime Web · wasm');
    await giveImages(PHOTO);
    expect(await errorShown()).toBe('');
    expect(await text('#results')).toContain(
      `${path.basename(PHOTO)}: ${expected.detections.length} objects`,
    );
  }, 120_000);

  it('shows a clear message for a file that is not an image', async () => {
    await giveImages(path.join(work, 'notes.txt'));
    expect(await errorShown()).toBe(
      'cannot decode image notes.txt: it is text, not one of the formats read (JPEG, PNG, WebP)',
    );
  }, 60_000);

  it('shows a clear message for a truncated checkpoint', async () => {
    const { status, error } = await loadFile(path.join(work, 'truncated.pth'));
    expect(status).toBe('No model loaded.');
    expect(error).toMatch(/^truncated\.pth: .*truncated/);
  }, 60_000);

  it('shows a clear message for a checkpoint with another class count', async () => {
    const { status, error } = await loadFile(path.join(work, 'six-classes.pth'));
    expect(status).toBe('No model loaded.');
    expect(error).toBe(
      'six-classes.pth does not match the model: its classifier gives 6 classes (background included) but MODEL.NUM_CLASSES is 21; is it for another config?',
    );
  }, 60_000);
});
