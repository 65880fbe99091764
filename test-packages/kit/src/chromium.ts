/**
 * A real browser for tests: Debian's headless `chromium` (`.ci/chromium` installs it) driven by puppeteer-core,
 * which never downloads a browser of its own; and a real HTTP server on 127.0.0.1 for the pages it loads (WebGPU
 * is only offered to a secure origin, which http://127.0.0.1 is and about:blank or file:// are not). A browser
 * present or absent changes which tests run, never whether they pass.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { ensureRuntimeDir } from './webgpu';

/** The chromium binary: `$SSD_CHROMIUM`, else `chromium` on the PATH; undefined when there is none. */
export function chromiumPath(): string | undefined {
  const given = process.env.SSD_CHROMIUM;
  if (given) return existsSync(given) ? given : undefined;
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, 'chromium'))
    .find((file) => existsSync(file));
}

/** `describe` where chromium is installed, `describe.skip` elsewhere. */
export const describeChromium: jest.Describe = chromiumPath() ? describe : describe.skip;

/**
 * Flags for a headless Chromium in a container: no sandbox (no user namespaces), nothing fetched from Google,
 * and WebGPU on (on a machine without a GPU, its adapter is SwiftShader on Vulkan).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--use-angle=vulkan',
  '--enable-features=Vulkan',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

const WEBGPU_PROBE = `
const puppeteer = require('puppeteer-core');
const http = require('node:http');
(async () => {
  const server = http.createServer((_, res) => res.end('<!doctype html><title>probe</title>'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await puppeteer.launch(JSON.parse(process.argv[1]));
  try {
    const page = await browser.newPage();
    await page.goto('http://127.0.0.1:' + server.address().port + '/');
    const info = await page.evaluate(async () => {
      const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
      if (!adapter) return null;
      const { vendor, architecture, device, description, isFallbackAdapter } = adapter.info;
      return { vendor, architecture, device, description, isFallbackAdapter };
    });
    process.stdout.write(JSON.stringify(info));
  } finally {
    await browser.close();
    server.close();
  }
})().catch(() => process.exit(1));
`;

/** What headless chromium's WebGPU adapter says of itself. */
export interface ChromiumAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter?: boolean;
}

let chromiumAdapter: ChromiumAdapter | null | undefined;

/**
 * The WebGPU adapter headless chromium offers a page on 127.0.0.1 here (SwiftShader where there is no GPU), or
 * null; probed once, in a child process, so that test files can choose `describe` or `describe.skip` as they load.
 */
export function probeChromiumWebGpu(): ChromiumAdapter | null {
  if (chromiumAdapter === undefined) {
    const executablePath = chromiumPath();
    if (!executablePath) {
      chromiumAdapter = null;
      return null;
    }
    ensureRuntimeDir();
    const options = { executablePath, headless: true, args: CHROMIUM_ARGS };
    const r = spawnSync(process.execPath, ['-e', WEBGPU_PROBE, JSON.stringify(options)], {
      cwd: __dirname,
      timeout: 60_000,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    chromiumAdapter =
      r.status === 0 && r.stdout.trim() ? (JSON.parse(r.stdout) as ChromiumAdapter | null) : null;
  }
  return chromiumAdapter;
}

/** Chromium's stand-in camera, which getUserMedia gives pages without asking (a moving test pattern). */
export const FAKE_CAMERA_ARGS: readonly string[] = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

/** Launches headless chromium with `CHROMIUM_ARGS` and `extraArgs` (one per test file: each launch takes seconds). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('chromium is not installed (bash .ci/chromium installs it)');
  ensureRuntimeDir();
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR! },
    protocolTimeout: 300_000,
  });
}

/** What a route serves: a file on disk, or bytes / text made by the test. */
export type Route = string | { readonly body: string | Uint8Array; readonly type?: string };

/** A running test server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The URL paths requested so far, in order. */
  readonly requests: readonly string[];
  /** Adds or replaces a route (a URL path such as `/index.html`). */
  route(urlPath: string, route: Route): void;
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The content type of a file name, by its extension. */
export function contentType(name: string): string {
  return TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Starts an HTTP server on a free 127.0.0.1 port. It serves `routes` (URL path → file or body) and, under each
 * of `folders` (URL prefix → folder), the files of that folder; anything else is a 404.
 */
export async function startServer(
  routes: Readonly<Record<string, Route>> = {},
  folders: Readonly<Record<string, string>> = {},
): Promise<TestServer> {
  const table = new Map<string, Route>(Object.entries(routes));
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    requests.push(urlPath);
    let route = table.get(urlPath);
    if (route === undefined) {
      for (const [prefix, folder] of Object.entries(folders)) {
        const file = path.join(folder, path.normalize(urlPath.slice(prefix.length)));
        if (
          urlPath.startsWith(prefix) &&
          file.startsWith(folder) &&
          existsSync(file) &&
          statSync(file).isFile()
        ) {
          route = file;
          break;
        }
      }
    }
    if (route === undefined) {
      res.writeHead(404).end(`not found: ${urlPath}`);
      return;
    }
    if (typeof route === 'string') {
      res.writeHead(200, { 'content-type': contentType(route), 'content-length': statSync(route).size });
      createReadStream(route).pipe(res);
      return;
    }
    const body = typeof route.body === 'string' ? Buffer.from(route.body) : route.body;
    res.writeHead(200, { 'content-type': route.type ?? contentType(urlPath), 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the test server has no port');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    requests,
    route: (urlPath, route) => table.set(urlPath, route),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
