import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cutText, InputFileError, openInputFile, readInputFile, readInputFileAsync } from '../src';

const dir = mkdtempSync(path.join(tmpdir(), 'ssd-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Both readers' outcome for `file`: the bytes as text, or the error message. */
async function both(file: string, maxBytes?: number): Promise<[string, string]> {
  const outcome = async (read: () => Buffer | Promise<Buffer>) => {
    try {
      return (await read()).toString('utf8');
    } catch (e) {
      expect(e).toBeInstanceOf(InputFileError);
      expect((e as InputFileError).file).toBe(file);
      return (e as Error).message;
    }
  };
  return [
    await outcome(() => readInputFile(file, { maxBytes, what: 'test file' })),
    await outcome(() => readInputFileAsync(file, { maxBytes, what: 'test file' })),
  ];
}

it('reads a regular file, and one through a link', async () => {
  const file = path.join(dir, 'a.txt');
  writeFileSync(file, 'hello');
  const link = path.join(dir, 'link.txt');
  symlinkSync(file, link);
  expect(await both(file)).toEqual(['hello', 'hello']);
  expect(await both(link)).toEqual(['hello', 'hello']);
});

it('refuses a file over the cap before reading it, saying how large it is', async () => {
  const file = path.join(dir, 'big.txt');
  writeFileSync(file, 'x'.repeat(101));
  const message = `${file}: is 101 bytes, more than the 100 allowed for a test file`;
  expect(await both(file, 100)).toEqual([message, message]);
  expect(await both(file, 101)).toEqual(['x'.repeat(101), 'x'.repeat(101)]);
});

it.each([
  ['a missing file', () => path.join(dir, 'nope'), 'does not exist'],
  [
    'a folder',
    () => {
      const sub = path.join(dir, 'sub');
      mkdirSync(sub, { recursive: true });
      return sub;
    },
    'is a folder, not a regular file',
  ],
  ['a character device', () => '/dev/zero', 'is a character device, not a regular file'],
  [
    'a FIFO (which would block a plain open for ever)',
    () => {
      const fifo = path.join(dir, 'pipe.jpg');
      execFileSync('mkfifo', [fifo]);
      return fifo;
    },
    'is a FIFO (named pipe), not a regular file',
  ],
])('refuses %s by name, at once', async (_, make, reason) => {
  const file = make();
  const start = performance.now();
  expect(await both(file)).toEqual([`${file}: ${reason}`, `${file}: ${reason}`]);
  expect(performance.now() - start).toBeLessThan(1000);
});

describe('a socket', () => {
  let server: Server;
  const socket = path.join(dir, 'sock.png');
  beforeAll(() => new Promise<void>((resolve) => (server = createServer().listen(socket, resolve))));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is refused by name', async () => {
    const message = `${socket}: is a socket, not a regular file`;
    expect(await both(socket)).toEqual([message, message]);
  });
});

it('opens with the descriptor and size for streaming, refusing the same things', () => {
  const file = path.join(dir, 'stream.bin');
  writeFileSync(file, Buffer.alloc(10));
  const { fd, size } = openInputFile(file);
  expect(size).toBe(10);
  require('node:fs').closeSync(fd);
  expect(() => openInputFile('/dev/null')).toThrow('/dev/null: is a character device, not a regular file');
});

it('cuts long text for messages, saying how long it was', () => {
  expect(cutText('short')).toBe('short');
  expect(cutText('x'.repeat(200))).toBe('x'.repeat(200));
  expect(cutText('y'.repeat(41_943_173))).toBe(`${'y'.repeat(200)}… (41943173 characters)`);
  expect(cutText('abcdef', 3)).toBe('abc… (6 characters)');
});
