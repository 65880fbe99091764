/**
 * Watching a page in headless chromium: what it logs (with the values of console.log's arguments), its uncaught
 * errors, and the requests it makes outside the test server. The WebAssembly binaries @ssd/engine fetches from
 * jsDelivr by default are answered from the installed package, which also checks that the default URL names the
 * installed version; any other request outside 127.0.0.1 is refused and recorded.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';

/** One console message: its type, text, and its arguments as JSON values. */
export interface ConsoleEntry {
  readonly type: string;
  readonly text: string;
  readonly args: unknown[];
}

/** What a watched page did. */
export interface PageWatch {
  readonly console: ConsoleEntry[];
  readonly errors: string[];
  /** Requests outside the test server that were refused. */
  readonly refused: string[];
  /** Requests answered from the installed packages instead of jsDelivr. */
  readonly fromCdn: string[];
  /** Resolves once every console message so far has its arguments read. */
  settled(): Promise<void>;
}

const TFJS_WASM_DIR = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const TFJS_WASM_VERSION = (
  JSON.parse(readFileSync(path.join(TFJS_WASM_DIR, 'package.json'), 'utf8')) as { version: string }
).version;
const CDN =
  /^https:\/\/cdn\.jsdelivr\.net\/npm\/@tensorflow\/tfjs-backend-wasm@([^/]+)\/dist\/([\w.-]+\.wasm)$/;

/** Starts watching `page` (before it navigates): console, errors, and requests leaving 127.0.0.1. */
export async function watchPage(page: Page, origin: string): Promise<PageWatch> {
  const watch = {
    console: [] as ConsoleEntry[],
    errors: [] as string[],
    refused: [] as string[],
    fromCdn: [] as string[],
  };
  const pending: Promise<unknown>[] = [];
  page.on('console', (message) => {
    const entry: ConsoleEntry = { type: message.type(), text: message.text(), args: [] };
    watch.console.push(entry);
    pending.push(
      Promise.all(message.args().map((arg) => arg.jsonValue().catch(() => undefined))).then((values) => {
        entry.args.push(...values);
      }),
    );
  });
  page.on('pageerror', (error) => watch.errors.push((error as Error).message ?? String(error)));
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:')) {
      void request.continue();
      return;
    }
    const cdn = CDN.exec(url);
    if (cdn && cdn[1] === TFJS_WASM_VERSION) {
      watch.fromCdn.push(cdn[2]!);
      void request.respond({
        status: 200,
        contentType: 'application/wasm',
        headers: { 'access-control-allow-origin': '*' },
        body: readFileSync(path.join(TFJS_WASM_DIR, 'dist', cdn[2]!)),
      });
      return;
    }
    watch.refused.push(url);
    void request.abort('blockedbyclient');
  });
  return { ...watch, settled: async () => void (await Promise.all(pending)) };
}

/** Waits until `done()` holds or the page throws, at most `ms`; the page's errors fail it. */
export async function waitFor(
  watch: PageWatch,
  done: () => boolean,
  ms: number,
  what: string,
): Promise<void> {
  const start = Date.now();
  for (;;) {
    await watch.settled();
    if (watch.errors.length > 0) throw new Error(`the page failed while ${what}: ${watch.errors.join('; ')}`);
    if (done()) return;
    if (Date.now() - start > ms) {
      const log = watch.console.map((c) => `${c.type}: ${c.text}`).join('\n');
      throw new Error(`timed out after ${ms} ms ${what}; the page logged:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
