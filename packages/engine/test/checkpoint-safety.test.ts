import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REFERENCE_PTH as PTH } from '@ssd-test/kit';
import { zipSync } from 'fflate';
import { readTorchCheckpoint, STATE_DICT_GLOBALS, unpickle } from '../src/checkpoint/torch';

// Hand-written pickle bytes: strings are raw latin1 byte runs.
const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const u32 = (n: number) => String.fromCharCode(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24);
/** BINUNICODE of an ASCII string. */
const str = (s: string) => `X${u32(s.length)}${s}`;
const ORDERED_DICT = 'ccollections\nOrderedDict\n)R';

/** data.pkl of {'model': OrderedDict(w=tensor)} with the tensor over float storage '0' as torch.save writes it. */
function tensorPickle(numel: number, offset: number, size: number[], stride: number[]): string {
  const tuple = (xs: number[]) => `(${xs.map((x) => `K${String.fromCharCode(x)}`).join('')}t`;
  const pid = `(${str('storage')}ctorch\nFloatStorage\n${str('0')}${str('cpu')}K${String.fromCharCode(numel)}tQ`;
  const tensor = `ctorch._utils\n_rebuild_tensor_v2\n(${pid}K${String.fromCharCode(offset)}${tuple(size)}${tuple(stride)}\x89${ORDERED_DICT}tR`;
  return `\x80\x02}(${str('model')}${ORDERED_DICT}(${str('w')}${tensor}uu.`;
}

function checkpointZip(pkl: string, extra: Record<string, Uint8Array> = {}): Uint8Array {
  return zipSync({ 'archive/data.pkl': bytes(pkl), 'archive/version': bytes('3\n'), ...extra }, { level: 0 });
}

const floats = (...xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);

describe('unpickle refuses what a state_dict does not need', () => {
  it.each([
    ['os.system via GLOBAL + REDUCE', `\x80\x02cos\nsystem\n${str('touch pwned')}\x85R.`, 'os.system'],
    [
      'builtins.eval via STACK_GLOBAL',
      `\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c\x031+1\x85R.`,
      'builtins.eval',
    ],
    ['__builtin__.eval (Python 2 name)', `\x80\x02c__builtin__\neval\n${str('1')}\x85R.`, '__builtin__.eval'],
    [
      'a torch.nn module class',
      '\x80\x02ctorch.nn.modules.conv\nConv2d\n)R.',
      'torch.nn.modules.conv.Conv2d',
    ],
    ['torch.load itself', '\x80\x02ctorch\nload\n.', 'torch.load'],
  ])('%s', (_, pkl, global) => {
    const run = () => unpickle(bytes(pkl), { globals: STATE_DICT_GLOBALS });
    expect(run).toThrow(`pickle global '${global}' is not allowed`);
  });

  it('refuses every global when no allow-list is given', () => {
    expect(() => unpickle(bytes(`\x80\x02${ORDERED_DICT}.`))).toThrow(
      "pickle global 'collections.OrderedDict' is not allowed",
    );
  });

  it('names the refused global and the file when it hides inside a checkpoint', () => {
    const pkl = `\x80\x02}(${str('model')}cos\nsystem\n${str('id')}\x85Ru.`;
    expect(() => readTorchCheckpoint(checkpointZip(pkl))).toThrow(
      "<checkpoint bytes> (archive/data.pkl): pickle global 'os.system' is not allowed",
    );
  });

  it.each([
    ['REDUCE on a string', `\x80\x02${str('a')})R.`, 'pickle REDUCE calls a string'],
    [
      'REDUCE on an allowed storage type',
      '\x80\x02ctorch\nFloatStorage\n)R.',
      'pickle REDUCE calls a StorageType',
    ],
    ['BUILD on a plain dict', '\x80\x02}}b.', 'pickle BUILD on a dict'],
    ['APPEND to a tuple', '\x80\x02)K\x01a.', 'pickle APPEND on a tuple'],
    ['INST', '\x80\x02(ios\nsystem\n.', 'not supported: pickle opcode INST'],
    ['NEWOBJ', '\x80\x02ccollections\nOrderedDict\n)\x81.', 'not supported: pickle opcode NEWOBJ'],
    ['text INT', '\x80\x02I1\n.', 'not supported: pickle opcode INT'],
    ['an unknown opcode', '\x80\x02\xff.', 'unknown pickle opcode 0xff'],
    ['protocol 6', '\x80\x06N.', 'not supported: pickle protocol 6'],
    ['a persistent id without persistentLoad', `\x80\x02${str('0')}Q.`, 'no persistentLoad was given'],
    ['a missing memo entry', '\x80\x02h\x05.', 'pickle memo entry 5 missing'],
    ['popping below a MARK', '\x80\x02N(s.', 'pickle stack underflow'],
    ['a stray TUPLE with no MARK', '\x80\x02Nt.', 'pickle MARK missing'],
    ['a truncated string', `\x80\x02X${u32(16)}abc`, 'pickle truncated: data needs 16 bytes, 3 left'],
    ['a missing STOP', '\x80\x02N', 'pickle truncated: no STOP opcode'],
    ['invalid UTF-8', `\x80\x02X${u32(1)}\xff.`, 'pickle string is not valid UTF-8'],
  ])('refuses %s', (_, pkl, message) => {
    expect(() => unpickle(bytes(pkl), { globals: STATE_DICT_GLOBALS })).toThrow(message);
  });
});

describe('readTorchCheckpoint refuses unsafe or broken archives', () => {
  const good = tensorPickle(4, 0, [2, 2], [2, 1]);

  it('reads the hand-written checkpoint when it is complete', () => {
    const { stateDict } = readTorchCheckpoint(checkpointZip(good, { 'archive/data/0': floats(1, 2, 3, 4) }));
    expect(stateDict.get('w')).toEqual({
      shape: [2, 2],
      dtype: 'float32',
      data: new Float32Array([1, 2, 3, 4]),
    });
  });

  it.each([
    ['../evil', "'..' in path"],
    ['archive/../../evil', "'..' in path"],
    ['..\\evil', "'..' in path"],
    ['/etc/passwd', 'absolute path'],
    ['C:/evil', 'absolute path'],
  ])('refuses the entry %s', (entry, reason) => {
    const zip = checkpointZip(good, { 'archive/data/0': floats(1, 2, 3, 4), [entry]: bytes('x') });
    expect(() => readTorchCheckpoint(zip)).toThrow(`zip entry '${entry}' refused (${reason})`);
  });

  it('names a storage entry missing from the zip', () => {
    expect(() => readTorchCheckpoint(checkpointZip(good))).toThrow(
      "storage entry 'archive/data/0' is missing from the zip",
    );
  });

  it('refuses a storage shorter than its element count', () => {
    const zip = checkpointZip(good, { 'archive/data/0': floats(1, 2) });
    expect(() => readTorchCheckpoint(zip)).toThrow(
      "storage entry 'archive/data/0' holds 8 bytes, 16 expected",
    );
  });

  it('refuses a tensor view reaching past its storage', () => {
    const zip = checkpointZip(tensorPickle(4, 1, [2, 2], [2, 1]), { 'archive/data/0': floats(1, 2, 3, 4) });
    expect(() => readTorchCheckpoint(zip)).toThrow(
      "tensor over storage 'archive/data/0' reaches element 4 but the storage holds 4",
    );
  });

  it('refuses a state_dict entry that is not a tensor', () => {
    const pkl = `\x80\x02}(${str('model')}}(${str('lr')}K\x01uu.`;
    expect(() => readTorchCheckpoint(checkpointZip(pkl))).toThrow("state_dict entry 'lr' is not a tensor");
  });

  it('refuses a big-endian checkpoint', () => {
    const zip = checkpointZip(good, {
      'archive/data/0': floats(1, 2, 3, 4),
      'archive/byteorder': bytes('big'),
    });
    expect(() => readTorchCheckpoint(zip)).toThrow(
      "not supported: <checkpoint bytes> stores tensors in 'big'",
    );
  });

  it('refuses a zip without data.pkl', () => {
    const zip = zipSync({ 'archive/version': bytes('3\n') });
    expect(() => readTorchCheckpoint(zip)).toThrow("expected one '<archive>/data.pkl' entry, found 0");
  });

  it('refuses non-zip input, and calls a legacy-format file cut short truncated', () => {
    expect(() => readTorchCheckpoint(bytes('hello'))).toThrow('<checkpoint bytes>: not a zip archive');
    expect(() => readTorchCheckpoint(bytes('\x80\x02\x8a\x0a'))).toThrow(
      '<checkpoint bytes>: pickle truncated: data needs 10 bytes, 0 left (at byte 2)',
    );
  });

  it('gives a clear error for a truncated file', () => {
    const whole = readFileSync(PTH);
    for (const length of [100, whole.length >> 1, whole.length - 30]) {
      expect(() => readTorchCheckpoint(whole.subarray(0, length))).toThrow(
        /<checkpoint bytes>: unreadable zip archive \(.*\); is the file truncated\?/,
      );
    }
  });

  it('refuses an entry whose data is shorter than the zip directory says', () => {
    const zip = checkpointZip(good, { 'archive/data/0': floats(1, 2, 3, 4) });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    // Grow the recorded sizes of the last central-directory record (archive/data/0) past the file's end.
    let record = zip.length - 22;
    while (view.getUint32(record, true) !== 0x02014b50) record--;
    view.setUint32(record + 20, 1000, true);
    view.setUint32(record + 24, 1000, true);
    expect(() => readTorchCheckpoint(zip)).toThrow("zip entry 'archive/data/0' is truncated");
  });

  it('names the file path in errors', () => {
    expect(() => readTorchCheckpoint(path.join(__dirname, 'checkpoint-safety.test.ts'))).toThrow(
      /checkpoint-safety\.test\.ts: not a zip archive/,
    );
  });
});
