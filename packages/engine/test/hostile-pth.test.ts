import '@tensorflow/tfjs-backend-cpu';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nn } from '@ssd/modeling';
import { REFERENCE_PTH as PTH, runBounded } from '@ssd-test/kit';
import * as tf from '@tensorflow/tfjs-core';
import { readTorchCheckpoint } from '../src/checkpoint/torch';
import {
  bytes,
  claimSize,
  floats,
  int,
  legacyPth,
  legacyStorage,
  measure,
  ORDERED_DICT,
  pth,
  repeatedOp,
  statePickle,
  storage,
  str,
  tensor,
} from './hostile-pth-builder';

// The hostile-input suite for `.pth` files: every file is refused with one message naming the file
// (and the entry or global at fault), or loaded, within these bounds.
/** Each read ends within this many milliseconds (the largest file here is ~2 MB; generous for a loaded machine: the old reader took minutes). */
const MAX_MS = 5000;
/** …and leaves at most this much ArrayBuffer memory allocated (the files claim up to 1.5 GB). */
const MAX_ARRAY_BUFFER_MB = 40;

const NAME = '<checkpoint bytes>';

function expectRefused(file: Uint8Array, message: string | RegExp): void {
  const { ms, arrayBufferMb, error } = measure(() => readTorchCheckpoint(file));
  expect(error?.message).toMatch(message);
  expect(error?.message).toContain(NAME);
  expect(ms).toBeLessThan(MAX_MS);
  expect(arrayBufferMb).toBeLessThan(MAX_ARRAY_BUFFER_MB);
}

const oneTensor = (numel: number, size: number[], stride: number[], offset = 0) =>
  statePickle([['w', tensor(storage('0', numel), offset, size, stride)]]);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('hostile .pth: code and paths', () => {
  it.each([
    ['os.system', `\x80\x02}(${str('model')}cos\nsystem\n${str('id')}\x85Ru.`, 'os.system'],
    ['posix.system', `\x80\x02cposix\nsystem\n${str('id')}\x85R.`, 'posix.system'],
    ['subprocess.Popen', `\x80\x02csubprocess\nPopen\n${str('id')}\x85R.`, 'subprocess.Popen'],
    [
      'builtins.exec (STACK_GLOBAL)',
      `\x80\x04\x8c\x08builtins\x8c\x04exec\x93${str('1')}\x85R.`,
      'builtins.exec',
    ],
    [
      'builtins.getattr',
      `\x80\x02cbuiltins\ngetattr\n${ORDERED_DICT}${str('__class__')}\x86R.`,
      'builtins.getattr',
    ],
  ])('refuses the payload global %s, naming it', (_, pkl, global) => {
    expectRefused(pth(pkl), `${NAME} (archive/data.pkl): pickle global '${global}' is not allowed`);
  });

  it.each([
    ['../../.bashrc', "'..' in path"],
    ['/tmp/evil', 'absolute path'],
    ['archive/data/..\\..\\evil', "'..' in path"],
  ])('refuses the path escape %s', (entry, reason) => {
    expectRefused(
      pth(oneTensor(1, [1], [1]), { [entry]: bytes('x') }),
      `zip entry '${entry}' refused (${reason})`,
    );
  });
});

describe('hostile .pth: memory', () => {
  it('refuses a stride-0 tensor expanding one element to 10^10 before allocating it', () => {
    const pkl = oneTensor(1, [100000, 100000], [0, 0]);
    expectRefused(
      pth(pkl, { 'archive/data/0': floats(1) }),
      "tensor over storage 'archive/data/0' has 10000000000 elements but the storage holds 1",
    );
  });

  it('refuses many overlapping views of one storage', () => {
    const views = Array.from(
      { length: 64 },
      (_, i) => [`w${i}`, tensor(storage('0', 2 ** 18), 0, [2 ** 18], [1])] as const,
    );
    expectRefused(
      pth(statePickle(views), { 'archive/data/0': new Uint8Array(2 ** 20) }),
      /refused: the tensors so far copy \d+ elements, more than 4× their storages' 262144 \(overlapping views\)/,
    );
  });

  it('never inflates an entry no tensor refers to, whatever size it claims', () => {
    const zip = claimSize(
      pth(
        oneTensor(1, [1], [1]),
        { 'archive/data/0': floats(5), 'archive/data/junk': new Uint8Array(4096) },
        9,
      ),
      'archive/data/junk',
      1.5e9,
    );
    const { ms, arrayBufferMb, error } = measure(() => readTorchCheckpoint(zip));
    expect(error).toBeUndefined();
    expect(ms).toBeLessThan(MAX_MS);
    expect(arrayBufferMb).toBeLessThan(MAX_ARRAY_BUFFER_MB);
  });

  it('refuses a deflated storage that would inflate to far more than the file (a zip bomb)', () => {
    const numel = 4 * 2 ** 20; // 16 MiB of zeros, ~16 KB deflated
    const pkl = oneTensor(numel, [numel], [1]);
    const zip = pth(pkl, { 'archive/data/0': new Uint8Array(numel * 4) }, 9);
    expect(zip.length).toBeLessThan(2 ** 20);
    expectRefused(
      zip,
      /storage entry 'archive\/data\/0' brings the tensors to 16777216 bytes, more than the \d+ allowed \(16× the file's size\)/,
    );
  });

  it('refuses storages beyond the limit its caller gives for the model, before reading them', () => {
    const zip = pth(oneTensor(1024, [1024], [1]), { 'archive/data/0': new Uint8Array(4096) });
    expect(() => readTorchCheckpoint(zip, { tensorLimit: { bytes: 1000, reason: '4× the model' } })).toThrow(
      "storage entry 'archive/data/0' brings the tensors to 4096 bytes, more than the 1000 allowed (4× the model)",
    );
  });

  it('refuses a data.pkl that claims to inflate past the pickle limit', () => {
    const zip = claimSize(
      pth(oneTensor(1, [1], [1]), { 'archive/data/0': floats(1) }, 9),
      'archive/data.pkl',
      2 ** 31,
    );
    expectRefused(zip, "zip entry 'archive/data.pkl' is 2147483648 bytes, more than the 67108864 allowed");
  });

  it('refuses a storage entry whose stated size does not fit its element count', () => {
    const zip = claimSize(
      pth(oneTensor(4, [4], [1]), { 'archive/data/0': floats(1, 2, 3, 4) }, 9),
      'archive/data/0',
      8,
    );
    expectRefused(zip, "storage entry 'archive/data/0' holds 8 bytes, 16 expected");
  });

  it('stops inflating at the stated size', () => {
    // A real bomb under a modest claim: 16 MiB of zeros stated to be the 16 bytes the tensor needs.
    const zip = claimSize(
      pth(oneTensor(4, [4], [1]), { 'archive/data/0': new Uint8Array(2 ** 24) }, 9),
      'archive/data/0',
      16,
    );
    expectRefused(zip, "zip entry 'archive/data/0' cannot be inflated");
  });
});

describe('hostile .pth: time', () => {
  it('refuses a 200 KB integer at once (it used to take minutes to decode)', () => {
    const wide = `\x8b${String.fromCharCode(0, 0x20, 3, 0)}${'\x7f'.repeat(0x32000)}`;
    expectRefused(pth(`\x80\x02}(${str('model')}${wide}u.`), 'pickle integer of 204800 bytes refused');
  });

  it('reads a thousand 1 KiB integers in linear time', () => {
    const wide = `\x8b${String.fromCharCode(0, 4, 0, 0)}${'\x01'.repeat(1024)}`;
    const pkl = `\x80\x02}(${str('model')}}${str('n')}(${wide.repeat(1000)}lu.`;
    const { ms, error } = measure(() => readTorchCheckpoint(pth(pkl)));
    expect(error?.message).toBeUndefined();
    expect(ms).toBeLessThan(MAX_MS);
  });

  it('takes a list of 200 000 items in one APPENDS', () => {
    const pkl = `\x80\x02}(${str('model')}}${str('n')}](${'N'.repeat(200000)}eu.`;
    const { extras } = readTorchCheckpoint(pth(pkl));
    expect((extras.n as unknown[]).length).toBe(200000);
  });

  it('refuses a pickle that makes over a million objects (one per byte), bounding its memory', () => {
    const pkl = `\x80\x02${']'.repeat(2 ** 20 + 1)}.`;
    expectRefused(pth(pkl), 'pickle makes more than 1048576 objects');
  });

  it('names a deeply nested key by its type instead of recursing into it', () => {
    const nested = `${']'.repeat(100000)}${'a'.repeat(99999)}`;
    expectRefused(
      pth(`\x80\x02}(${str('model')}}(${nested}${int(1)}uu.`),
      'a state_dict key is a object, not a string',
    );
  });

  it('gives a clear error for the reference checkpoint cut at any of 60 places', () => {
    const whole = readFileSync(PTH);
    for (let i = 1; i <= 60; i++) {
      const cut = Math.floor((whole.length * i) / 61);
      expectRefused(whole.subarray(0, cut), /unreadable zip archive|is truncated|pickle truncated/);
    }
  });
});

describe('hostile .pth: pickle budgets, in a child process with 256 MiB of heap', () => {
  const READER = path.join(__dirname, '../src/checkpoint/torch/index.ts');
  const BUDGET = `${NAME}`;

  async function expectBounded(
    file: Uint8Array,
    message: string | RegExp,
    arrayBufferMb = MAX_ARRAY_BUFFER_MB,
  ) {
    // The deadline covers the child's start on a loaded machine; the read itself must take under MAX_MS.
    const run = await runBounded(READER, 'readTorchCheckpoint', [file], { heapMb: 256, timeoutMs: 60_000 });
    expect(run.outOfMemory).toBeUndefined();
    expect(run.timedOut).toBeUndefined();
    expect(run.error).toMatch(message);
    expect(run.error).toContain(NAME);
    expect(run.error!.split(NAME).length).toBe(2); // named once: no doubled prefix
    expect(run.ms).toBeLessThan(MAX_MS);
    expect(run.arrayBufferMb).toBeLessThan(arrayBufferMb);
  }

  it('refuses a 16 KB zip whose pickle is 16M MEMOIZE opcodes (it took 885 MB, then "loaded")', async () => {
    const zip = pth(repeatedOp('\x80\x04}', '\x94', 16 * 2 ** 20), {}, 9);
    expect(zip.length).toBeLessThan(64 * 1024);
    await expectBounded(zip, `${BUDGET} (archive/data.pkl): pickle makes more than 1048576 objects`);
  });

  it('refuses a 58 KB zip of 60M DUP opcodes (it took 1.9 GB)', async () => {
    const zip = pth(repeatedOp('\x80\x02N', '2', 60_000_000), {}, 9);
    expect(zip.length).toBeLessThan(128 * 1024);
    // The pickle itself inflates to 60 MB (under the 64 MiB cap; zlib's chunks and their join take twice
    // that for a moment); its objects stay within the budget.
    await expectBounded(zip, 'pickle makes more than 1048576 objects', 160);
  });

  it('refuses a legacy-format file of DUP opcodes (it killed the process)', async () => {
    await expectBounded(
      legacyPth(repeatedOp('\x80\x02N', '2', 10_000_000)),
      `${NAME}: pickle makes more than 1048576 objects`,
    );
  });

  it('refuses a legacy-format object pickle longer than the 64 MiB cap of the zip form', () => {
    // One BINBYTES8 of 65 MiB: the cap is met before the bytes are.
    const length = 65 * 2 ** 20;
    const pkl = new Uint8Array(3 + 8 + length + 2);
    pkl.set([0x80, 0x02, 0x8e]);
    new DataView(pkl.buffer).setBigUint64(3, BigInt(length), true);
    pkl.set([0x4e, 0x2e], 3 + 8 + length);
    const { ms, error } = measure(() => readTorchCheckpoint(legacyPth(pkl)));
    expect(error?.message).toMatch(new RegExp(`^${NAME}: pickle is longer than the 67108864 bytes allowed`));
    expect(ms).toBeLessThan(MAX_MS);
  });

  it('refuses a legacy file whose tensors view one storage beyond the model limit of its caller, unread', () => {
    const numel = 2 ** 20; // 4 MiB
    const views = Array.from(
      { length: 4 },
      (_, i) => [`w${i}`, tensor(legacyStorage('0', numel), 0, [numel], [1])] as const,
    );
    const file = legacyPth(statePickle(views), { '0': new Float32Array(numel) });
    const limit = { bytes: 2 ** 20, reason: "4× this model's 0.2 MiB" };
    const { ms, arrayBufferMb, error } = measure(() => readTorchCheckpoint(file, { tensorLimit: limit }));
    expect(error?.message).toBe(
      `${NAME}: storage '0' brings the tensors to 4194304 bytes, more than the 1048576 allowed (4× this model's 0.2 MiB)`,
    );
    expect(ms).toBeLessThan(MAX_MS);
    expect(arrayBufferMb).toBeLessThan(MAX_ARRAY_BUFFER_MB);
  });

  it('holds legacy files to the copy budget of the zip form', () => {
    const views = Array.from(
      { length: 5 },
      (_, i) => [`w${i}`, tensor(legacyStorage('0', 1024), 0, [1024], [1])] as const,
    );
    expectRefused(
      legacyPth(statePickle(views), { '0': new Float32Array(1024) }),
      `${NAME}: torch._utils._rebuild_tensor_v2: tensor over storage '0' refused: the tensors so far copy 5120 elements, more than 4× their storages' 1024 (overlapping views)`,
    );
  });

  it('says "truncated" for a legacy file cut at 10 bytes, and names the file once in a bad storage reference', () => {
    const pkl = statePickle([['w', tensor(legacyStorage('0', 4), 0, [4], [1])]]);
    const whole = legacyPth(pkl, { '0': new Float32Array(4) });
    expectRefused(whole.subarray(0, 10), `${NAME}: pickle truncated`);
    const bad = statePickle([['w', `(${str('storage')}NNNNNtQ`]]);
    expectRefused(
      legacyPth(bad),
      new RegExp(`^${NAME}: bad storage reference for key 'null' \\(at byte \\d+\\)$`),
    );
  });

  it('refuses a 40 MB state_dict key with a short message', () => {
    const key = new Uint8Array(40 * 2 ** 20).fill(0x6b);
    const head = bytes(`\x80\x02}(${str('model')}${ORDERED_DICT}(X`);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, key.length, true);
    const tail = bytes(`${tensor(storage('0', 1), 0, [1], [1])}uu.`);
    const pkl = Buffer.concat([head, length, key, tail]);
    const { error } = measure(() => readTorchCheckpoint(pth(pkl, { 'archive/data/0': floats(1) })));
    expect(error?.message).toBe(
      `${NAME}: a state_dict key of 41943040 characters is refused (tensor names are at most 1024): '${'k'.repeat(200)}… (41943040 characters)'`,
    );
  });
});

describe('hostile .pth: files that are not', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ssd-hostile-pth-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['a folder', () => dir, 'is a folder, not a regular file'],
    [
      'a FIFO',
      () => {
        const fifo = path.join(dir, 'model.pth');
        execFileSync('mkfifo', [fifo]);
        return fifo;
      },
      'is a FIFO (named pipe), not a regular file',
    ],
    ['a device', () => '/dev/zero', 'is a character device, not a regular file'],
  ])('names %s given as a checkpoint, at once', (_, make, reason) => {
    const file = make();
    const { ms, error } = measure(() => readTorchCheckpoint(file));
    expect(error?.message).toBe(`${file}: ${reason}`);
    expect(ms).toBeLessThan(1000);
  });

  it('refuses, unread, a file larger than any checkpoint of the model the caller loads it into', () => {
    const file = path.join(dir, 'big.pth');
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, Buffer.alloc(70 * 2 ** 20));
    const limit = { bytes: 1000, reason: "4× this model's 0.2 KiB" };
    const { error, arrayBufferMb } = measure(() => readTorchCheckpoint(file, { tensorLimit: limit }));
    expect(error?.message).toBe(
      `${file}: is 73400320 bytes, more than the 68158440 allowed for a checkpoint whose tensors may take at most 1000 bytes (4× this model's 0.2 KiB)`,
    );
    expect(arrayBufferMb).toBeLessThan(1);
  });
});

describe('hostile .pth: values', () => {
  function model(): nn.StateStore {
    const store = new nn.StateStore();
    new nn.BatchNorm2d(new nn.Scope(store, 'bn'), { numFeatures: 2 });
    return store;
  }

  it('names the file when a float tensor arrives as int64', () => {
    const store = model();
    const i64 = (n: number) => ({ shape: [n], dtype: 'int64', data: new BigInt64Array(n) });
    const f32 = (n: number) => ({ shape: [n], dtype: 'float32', data: new Float32Array(n) });
    const map = new Map<string, nn.TorchTensorLike>([
      ['bn.weight', i64(2)],
      ['bn.bias', f32(2)],
      ['bn.running_mean', f32(2)],
      ['bn.running_var', f32(2)],
      ['bn.num_batches_tracked', { shape: [], dtype: 'int64', data: new BigInt64Array(1) }],
    ]);
    const tensorsBefore = tf.memory().numTensors;
    expect(() => store.loadTorch(map, 'ckpt.pth')).toThrow(
      'ckpt.pth: tensor bn.weight: expected a floating dtype, got int64',
    );
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    store.dispose();
  });
});
