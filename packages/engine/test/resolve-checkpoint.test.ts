import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DownloadError, MIRROR_ENV, MODEL_ZOO, resolveCheckpoint } from '../src';
import { cacheFileName, hashPrefixOf } from '../src/checkpoint/download';
import { deadBase } from './helpers/file-server';

const body = Buffer.from('pretend checkpoint bytes '.repeat(1000));
const sha = createHash('sha256').update(body).digest('hex');
let server: Server;
let base: string;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url!);
    if (req.url!.includes('missing')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const quiet = { progress: false as const, log: () => {} };
const cache = () => mkdtempSync(path.join(tmpdir(), 'ssd-cache-'));

describe('resolveCheckpoint', () => {
  it('downloads a URL once into the cache and verifies the sha256 prefix in its name', async () => {
    const dir = cache();
    const url = `${base}/models/ssd-${sha.slice(0, 10)}.pth`;
    const file = await resolveCheckpoint(url, { ...quiet, cacheDir: dir });
    expect(file).toBe(path.join(dir, cacheFileName(url)));
    expect(path.basename(file)).toMatch(new RegExp(`^[0-9a-f]{16}-ssd-${sha.slice(0, 10)}\\.pth$`));
    expect(readFileSync(file).equals(body)).toBe(true);
    const before = hits.length;
    expect(await resolveCheckpoint(url, { ...quiet, cacheDir: dir })).toBe(file);
    expect(hits.length).toBe(before);
  });

  it('refuses a download whose hash does not match, keeping nothing', async () => {
    const dir = cache();
    await expect(
      resolveCheckpoint(`${base}/ssd-deadbeef00.pth`, { ...quiet, cacheDir: dir }),
    ).rejects.toThrow(/failed its hash check: sha256 [0-9a-f]{64} does not start with deadbeef00/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports HTTP errors and missing local files, naming them', async () => {
    await expect(resolveCheckpoint(`${base}/missing.pth`, { ...quiet, cacheDir: cache() })).rejects.toThrow(
      /HTTP 404/,
    );
    await expect(resolveCheckpoint('/no/such/model.pth', quiet)).rejects.toThrow('/no/such/model.pth');
    const local = path.join(cache(), 'm.pth');
    writeFileSync(local, body);
    expect(await resolveCheckpoint(local, quiet)).toBe(local);
    expect(existsSync(local)).toBe(true);
  });

  it('reads hash prefixes as PyTorch hub names them', () => {
    expect(hashPrefixOf('vgg16-397923af.pth')).toBe('397923af');
    expect(hashPrefixOf('mobilenet_v2_ssd320_voc0712.pth')).toBeUndefined();
  });
});

describe('model zoo names and SSD_MIRROR', () => {
  const saved = process.env[MIRROR_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[MIRROR_ENV];
    else process.env[MIRROR_ENV] = saved;
  });

  it("resolves a zoo name to its published file, fetched from a mirror folder by the URL's file name", async () => {
    const mirror = cache();
    writeFileSync(path.join(mirror, 'mobilenet_v2_ssd320_voc0712_v2.pth'), body);
    process.env[MIRROR_ENV] = mirror;
    const dir = cache();
    const file = await resolveCheckpoint('mobilenet_v2_ssd320_voc0712', { ...quiet, cacheDir: dir });
    const zoo = MODEL_ZOO.find((m) => m.name === 'mobilenet_v2_ssd320_voc0712')!;
    expect(file).toBe(path.join(dir, cacheFileName(zoo.url)));
    expect(readFileSync(file).equals(body)).toBe(true);
  });

  it('fetches from an http mirror base URL', async () => {
    process.env[MIRROR_ENV] = `${base}/some/mirror`;
    const before = hits.length;
    const file = await resolveCheckpoint('vgg_ssd512_voc0712', { ...quiet, cacheDir: cache() });
    expect(hits.slice(before)).toEqual(['/some/mirror/vgg_ssd512_voc0712.pth']);
    expect(readFileSync(file).equals(body)).toBe(true);
  });

  it('without network: one error naming the file, the URL and the variable', async () => {
    const dead = await deadBase();
    const zoo = MODEL_ZOO.find((m) => m.name === 'vgg_ssd300_voc0712')!;
    process.env[MIRROR_ENV] = dead;
    const viaMirror = resolveCheckpoint('vgg_ssd300_voc0712', { ...quiet, cacheDir: cache() });
    await expect(viaMirror).rejects.toThrow(DownloadError);
    await expect(viaMirror).rejects.toThrow(
      `cannot download vgg_ssd300_voc0712.pth: ${dead}/vgg_ssd300_voc0712.pth is unreachable: fetch failed (ECONNREFUSED); ` +
        `SSD_MIRROR is set to '${dead}': put vgg_ssd300_voc0712.pth there (it is ${zoo.url}), or unset SSD_MIRROR`,
    );
    delete process.env[MIRROR_ENV];
    await expect(resolveCheckpoint(`${dead}/w/model.pth`, { ...quiet, cacheDir: cache() })).rejects.toThrow(
      `cannot download model.pth: ${dead}/w/model.pth is unreachable: fetch failed (ECONNREFUSED); without network access, ` +
        `download ${dead}/w/model.pth elsewhere, put it in a folder (or on a local web server) and set SSD_MIRROR=<that folder or base URL>`,
    );
  });

  it('names the missing file in a mirror folder, and unknown names list the zoo', async () => {
    const mirror = cache();
    process.env[MIRROR_ENV] = mirror;
    await expect(
      resolveCheckpoint('mobilenet_v3_ssd320_voc0712', { ...quiet, cacheDir: cache() }),
    ).rejects.toThrow(
      `cannot download mobilenet_v3_ssd320_voc0712.pth: ${path.join(mirror, 'mobilenet_v3_ssd320_voc0712.pth')} does not exist;`,
    );
    await expect(resolveCheckpoint('vgg_ssd300_voc2012', quiet)).rejects.toThrow(
      /checkpoint file not found: vgg_ssd300_voc2012 \(not a file, an http\(s\) URL, nor a model zoo name: vgg_ssd300_coco_trainval35k, .*efficient_net_b3_ssd300_voc0712\)/,
    );
  });
});
