import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runBounded } from '@ssd-test/kit';
import { readSafetensors } from '../src/checkpoint/safetensors';

// The hostile-input suite for safetensors files (our checkpoints): tensors sharing bytes, headers that do not
// fit the file, files that are not. Each ends in one message naming the file, in bounded time and memory.

const dir = mkdtempSync(path.join(tmpdir(), 'ssd-hostile-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const READER = path.join(__dirname, '../src/checkpoint/safetensors.ts');

/** A safetensors file of `header` (JSON) and `dataBytes` zero bytes. */
function safetensors(name: string, header: unknown, dataBytes: number): string {
  const file = path.join(dir, name);
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(file, Buffer.concat([length, json, Buffer.alloc(dataBytes)]));
  return file;
}

/** `count` float32 tensors named w0… each described by `offsets(i)` over 2^22 elements (16 MiB). */
function views(count: number, offsets: (i: number) => [number, number]): Record<string, unknown> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => {
      const [begin, end] = offsets(i);
      return [`w${i}`, { dtype: 'F32', shape: [(end - begin) / 4], data_offsets: [begin, end] }];
    }),
  );
}

const MIB16 = 2 ** 24;

describe('hostile safetensors', () => {
  it.each([
    [64, 'a 16 MB file whose 64 tensors view the same bytes (it took 2.2 GB)'],
    [1000, 'one whose 1000 tensors do (6.6 GB, then a RangeError naming nothing)'],
  ])('refuses %i tensors over one span: %s', async (count) => {
    const file = safetensors(
      `same-${count}.safetensors`,
      views(count, () => [0, MIB16]),
      MIB16,
    );
    const run = await runBounded(READER, 'readSafetensors', [file], { heapMb: 256, timeoutMs: 60_000 });
    expect(run.error).toBe(
      `${file}: not a valid checkpoint (tensor 'w1' overlaps tensor 'w0' (their data_offsets share bytes))`,
    );
    expect(run.outOfMemory).toBeUndefined();
    expect(run.ms).toBeLessThan(5000);
    // The file itself, nothing copied.
    expect(run.arrayBufferMb).toBeLessThan(40);
  });

  it('refuses tensors that overlap in part, whatever their order in the header', () => {
    const file = safetensors(
      'partial.safetensors',
      {
        b: { dtype: 'F32', shape: [4], data_offsets: [8, 24] },
        a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
      },
      24,
    );
    expect(() => readSafetensors(file)).toThrow(
      `${file}: not a valid checkpoint (tensor 'b' overlaps tensor 'a' (their data_offsets share bytes))`,
    );
  });

  it('reads adjacent tensors and empty ones', () => {
    const file = safetensors(
      'adjacent.safetensors',
      {
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        e: { dtype: 'F32', shape: [0], data_offsets: [4, 4] },
        b: { dtype: 'I32', shape: [2], data_offsets: [8, 16] },
      },
      16,
    );
    expect([...readSafetensors(file).tensors.keys()]).toEqual(['a', 'e', 'b']);
  });

  it('checks the header size against the file before reading it', () => {
    const file = path.join(dir, 'header.safetensors');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(2n ** 40n);
    writeFileSync(file, Buffer.concat([length, Buffer.from('{}')]));
    expect(() => readSafetensors(file)).toThrow(
      `${file}: not a valid checkpoint (header of 1099511627776 bytes is longer than the file; is it truncated?)`,
    );
  });

  it('cuts a long tensor name in its messages', () => {
    const name = 'n'.repeat(100_000);
    const file = safetensors(
      'long.safetensors',
      { [name]: { dtype: 'F8', shape: [1], data_offsets: [0, 1] } },
      1,
    );
    let message = '';
    try {
      readSafetensors(file);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      `${file}: not a valid checkpoint (tensor '${'n'.repeat(200)}… (100000 characters)' has unsupported dtype F8)`,
    );
  });

  it.each([
    ['a folder', () => dir, 'a folder'],
    [
      'a FIFO',
      () => {
        const fifo = path.join(dir, 'model.safetensors');
        execFileSync('mkfifo', [fifo]);
        return fifo;
      },
      'a FIFO (named pipe)',
    ],
  ])('names %s given as a checkpoint, at once', (_, make, kind) => {
    const file = make();
    expect(() => readSafetensors(file)).toThrow(`${file}: is ${kind}, not a regular file`);
  });
});
