import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashPrefixOf, resolveCheckpoint } from '../src';

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
    expect(file).toBe(path.join(dir, `ssd-${sha.slice(0, 10)}.pth`));
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
