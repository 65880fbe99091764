import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DownloadError, MIRROR_ENV, MODEL_ZOO, resolveCheckpoint } from '../src';
import { cacheFileName, downloadToCache, MIN_WINDOW_BYTES } from '../src/checkpoint/download';

// The hostile-input suite for downloads (`--ckpt URL`, zoo names, ImageNet weights, SSD_MIRROR), against a
// real HTTP server on 127.0.0.1 that stalls, trickles, never answers or sends too much. Each ends within
// seconds in one DownloadError naming the file and where it came from, leaving no `.partial` file behind.

const A = Buffer.from('the checkpoint at /a '.repeat(100));
const B = Buffer.from('the checkpoint at /b '.repeat(100));
const ZOO = Buffer.from('the zoo entry '.repeat(100));
const EVIL = Buffer.from('not the zoo entry '.repeat(100));

let server: Server;
let base: string;
const open = new Set<ServerResponse>();

function trickle(res: ServerResponse, everyMs: number): void {
  const timer = setInterval(() => res.write('x'), everyMs);
  res.on('close', () => clearInterval(timer));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const url = req.url ?? '';
    if (url === '/a/model.pth') res.writeHead(200, { 'content-length': A.length }).end(A);
    else if (url === '/b/model.pth') res.writeHead(200, { 'content-length': B.length }).end(B);
    else if (url === '/mirror/mobilenet_v2_ssd320_voc0712_v2.pth') res.writeHead(200).end(ZOO);
    else if (url.startsWith('/evil/')) res.writeHead(200).end(EVIL);
    else if (url === '/silent.pth') {
      // Accepts the connection, never answers.
    } else if (url === '/stall.pth') {
      res.writeHead(200, { 'content-length': 2 ** 20 });
      res.write(Buffer.alloc(10));
    } else if (url === '/trickle.pth') {
      res.writeHead(200);
      trickle(res, 50);
    } else if (url === '/huge.pth') {
      res.writeHead(200, { 'content-length': 10 * 2 ** 30 });
      trickle(res, 50);
    } else if (url === '/endless.pth') {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024);
      const pump = () => {
        while (res.write(chunk)) {
          // fill the socket
        }
      };
      res.on('drain', pump);
      pump();
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const savedMirror = process.env[MIRROR_ENV];
afterEach(() => {
  if (savedMirror === undefined) delete process.env[MIRROR_ENV];
  else process.env[MIRROR_ENV] = savedMirror;
});

const cache = () => mkdtempSync(path.join(tmpdir(), 'ssd-hostile-cache-'));
/** Timeouts that a loaded machine's test server always meets, for the downloads that must succeed. */
const quiet = { progress: false as const, log: () => {}, connectTimeoutMs: 20_000, idleTimeoutMs: 20_000 };
/** A short connect timeout, so that a server that never answers is given up on in half a second. */
const impatient = { ...quiet, connectTimeoutMs: 500 };
/** A short idle window, so that a stalled download ends in about a second. */
const fast = { ...quiet, idleTimeoutMs: 500 };

/** The DownloadError `download` ends in, within 5 s, with nothing but finished files left in `dir`. */
async function refusal(download: () => Promise<unknown>, dir: string): Promise<string> {
  const start = performance.now();
  let error: unknown;
  try {
    await download();
  } catch (e) {
    error = e;
  }
  expect(performance.now() - start).toBeLessThan(5000);
  expect(error).toBeInstanceOf(DownloadError);
  expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  return (error as Error).message;
}

describe('hostile downloads: the cache', () => {
  it('keys the cache by the whole URL: /b/model.pth is fetched, not served /a/model.pth', async () => {
    const dir = cache();
    const a = await resolveCheckpoint(`${base}/a/model.pth`, { ...quiet, cacheDir: dir });
    const b = await resolveCheckpoint(`${base}/b/model.pth`, { ...quiet, cacheDir: dir });
    expect(a).not.toBe(b);
    expect(readFileSync(a).equals(A)).toBe(true);
    expect(readFileSync(b).equals(B)).toBe(true);
  });

  it('resolves a zoo name only to the file of its own entry, whatever else ends in its file name', async () => {
    const dir = cache();
    const evil = await resolveCheckpoint(`${base}/evil/mobilenet_v2_ssd320_voc0712_v2.pth`, {
      ...quiet,
      cacheDir: dir,
    });
    expect(readFileSync(evil).equals(EVIL)).toBe(true);
    process.env[MIRROR_ENV] = `${base}/mirror`;
    const zoo = await resolveCheckpoint('mobilenet_v2_ssd320_voc0712', { ...quiet, cacheDir: dir });
    const entry = MODEL_ZOO.find((m) => m.name === 'mobilenet_v2_ssd320_voc0712')!;
    expect(zoo).toBe(path.join(dir, cacheFileName(entry.url)));
    expect(readFileSync(zoo).equals(ZOO)).toBe(true);
  });

  it('records the sha256 at the first download and refuses a cached file changed since', async () => {
    const dir = cache();
    const url = `${base}/a/model.pth`;
    const file = await downloadToCache(url, { ...quiet, cacheDir: dir });
    const record = JSON.parse(readFileSync(`${file}.json`, 'utf8'));
    expect(record).toEqual({ url, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: A.length });
    expect(await downloadToCache(url, { ...quiet, cacheDir: dir })).toBe(file);
    writeFileSync(file, B);
    await expect(downloadToCache(url, { ...quiet, cacheDir: dir })).rejects.toThrow(
      new RegExp(
        `^${file} has changed since it was downloaded from ${url} \\(sha256 ${record.sha256} then, [0-9a-f]{64} now\\); delete it to download it again$`,
      ),
    );
  });

  it('downloads again a cached file with no record of its download, saying so', async () => {
    const dir = cache();
    const url = `${base}/a/model.pth`;
    writeFileSync(path.join(dir, cacheFileName(url)), B);
    const lines: string[] = [];
    const file = await downloadToCache(url, { ...quiet, cacheDir: dir, log: (l) => lines.push(l) });
    expect(readFileSync(file).equals(A)).toBe(true);
    expect(lines[0]).toBe(`${file} has no record of its download from ${url}: downloading it again`);
  });

  it('removes the .partial files of killed downloads at the next start', async () => {
    const dir = cache();
    // A pid above the kernel's pid_max (at most 2^22) names no process.
    const leftover = `${cacheFileName(`${base}/a/model.pth`)}.${2 ** 22 + 1}.partial`;
    writeFileSync(path.join(dir, leftover), Buffer.alloc(4096));
    const lines: string[] = [];
    await downloadToCache(`${base}/b/model.pth`, { ...quiet, cacheDir: dir, log: (l) => lines.push(l) });
    expect(lines[0]).toBe(`Removed 1 unfinished download(s) of killed runs: ${leftover}`);
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });
});

describe('hostile downloads: servers', () => {
  const hint = (name: string) => `without network access, download ${base}/${name} elsewhere`;

  it('gives up on a server that never answers (connect timeout)', async () => {
    const dir = cache();
    const message = await refusal(
      () => downloadToCache(`${base}/silent.pth`, { ...impatient, cacheDir: dir }),
      dir,
    );
    expect(message).toBe(
      `cannot download silent.pth: ${base}/silent.pth is unreachable: no answer within 0.5 s; ${hint('silent.pth')}, put it in a folder (or on a local web server) and set SSD_MIRROR=<that folder or base URL>`,
    );
  });

  it.each([
    ['stalls after 10 bytes', 'stall.pth', 'sent 10 bytes'],
    ['trickles a byte every 50 ms', 'trickle.pth', 'sent \\d+ bytes'],
  ])('gives up on a server that %s (idle timeout)', async (_, name, sent) => {
    const dir = cache();
    const message = await refusal(() => downloadToCache(`${base}/${name}`, { ...fast, cacheDir: dir }), dir);
    expect(message).toMatch(
      new RegExp(
        `^cannot download ${name}: ${base}/${name} ${sent} in the last 0.5 s \\(stalled; at least ${MIN_WINDOW_BYTES} are needed\\); ${hint(name)}`,
      ),
    );
  });

  it('refuses a Content-Length over the cap before reading the body', async () => {
    const dir = cache();
    const message = await refusal(
      () => downloadToCache(`${base}/huge.pth`, { ...quiet, cacheDir: dir, maxBytes: 2 ** 20 }),
      dir,
    );
    expect(message).toMatch(
      new RegExp(
        `^cannot download huge.pth: ${base}/huge.pth is 10737418240 bytes, more than the 1048576 allowed;`,
      ),
    );
  });

  it('stops a body with no Content-Length at the cap', async () => {
    const dir = cache();
    const message = await refusal(
      () => downloadToCache(`${base}/endless.pth`, { ...quiet, cacheDir: dir, maxBytes: 2 ** 20 }),
      dir,
    );
    expect(message).toMatch(
      new RegExp(
        `^cannot download endless.pth: ${base}/endless.pth sent more than the 1048576 bytes allowed;`,
      ),
    );
  });

  it('names a URL that cannot be parsed', async () => {
    await expect(resolveCheckpoint('http://[::1', quiet)).rejects.toThrow(
      "cannot download: 'http://[::1' is not a usable URL: it cannot be parsed",
    );
  });
});

describe('hostile downloads: SSD_MIRROR folders', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ssd-hostile-mirror-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('decodes a file:// mirror URL (a folder with a space in its name)', async () => {
    const mirror = path.join(root, 'mirror dir');
    mkdirSync(mirror);
    writeFileSync(path.join(mirror, 'model.pth'), A);
    process.env[MIRROR_ENV] = pathToFileURL(mirror).href;
    expect(process.env[MIRROR_ENV]).toContain('mirror%20dir');
    const file = await downloadToCache(`${base}/x/model.pth`, { ...quiet, cacheDir: cache() });
    expect(readFileSync(file).equals(A)).toBe(true);
  });

  it.each([
    [
      'a FIFO',
      (entry: string) => execFileSync('mkfifo', [entry]),
      'is a FIFO (named pipe), not a regular file',
    ],
    ['a folder', (entry: string) => mkdirSync(entry), 'is a folder, not a regular file'],
  ])('refuses %s as a mirror entry at once, naming it', async (_, make, reason) => {
    const mirror = mkdtempSync(path.join(root, 'm-'));
    const entry = path.join(mirror, 'vgg16_reducedfc.pth');
    make(entry);
    process.env[MIRROR_ENV] = mirror;
    const url = `${base}/w/vgg16_reducedfc.pth`;
    const dir = cache();
    const message = await refusal(() => downloadToCache(url, { ...quiet, cacheDir: dir }), dir);
    expect(message).toBe(
      `cannot download vgg16_reducedfc.pth: ${entry} ${reason}; SSD_MIRROR is set to '${mirror}': put vgg16_reducedfc.pth there (it is ${url}), or unset SSD_MIRROR`,
    );
  });
});
