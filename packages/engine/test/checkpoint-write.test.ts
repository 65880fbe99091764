import { REFERENCE_PTH as PTH } from '@ssd-test/kit';
import { unzipSync } from 'fflate';
import {
  readTorchCheckpoint,
  type TorchTensor,
  unpickle,
  writeTorchCheckpoint,
} from '../src/checkpoint/torch';

describe('writeTorchCheckpoint', () => {
  it('round-trips the reference checkpoint through readTorchCheckpoint', () => {
    const original = readTorchCheckpoint(PTH);
    const copy = readTorchCheckpoint(writeTorchCheckpoint(original));
    expect([...copy.stateDict.keys()]).toEqual([...original.stateDict.keys()]);
    // Byte comparison: jest's element-wise equality takes tens of seconds on 3.4M weights.
    const bytesOf = ({ data }: TorchTensor) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    for (const [key, tensor] of original.stateDict) {
      const back = copy.stateDict.get(key)!;
      expect([key, back.shape, back.dtype, back.data.constructor]).toEqual([
        key,
        tensor.shape,
        tensor.dtype,
        tensor.data.constructor,
      ]);
      expect(bytesOf(back).equals(bytesOf(tensor))).toBe(true);
    }
    expect(copy.extras).toEqual({ iteration: 0 });
  });

  it('round-trips every writable dtype and plain extras', () => {
    const tensors: [string, TorchTensor][] = [
      ['f32', { shape: [2, 3], dtype: 'float32', data: new Float32Array([1, 2, 3, 4, 5, -6.5]) }],
      ['f64', { shape: [1], dtype: 'float64', data: new Float64Array([Math.E]) }],
      ['i64', { shape: [], dtype: 'int64', data: new BigInt64Array([-(2n ** 62n)]) }],
      ['i32', { shape: [2], dtype: 'int32', data: new Int32Array([-1, 7]) }],
      ['i16', { shape: [1], dtype: 'int16', data: new Int16Array([-300]) }],
      ['i8', { shape: [1], dtype: 'int8', data: new Int8Array([-8]) }],
      ['u8', { shape: [2], dtype: 'uint8', data: new Uint8Array([0, 200]) }],
      ['mask', { shape: [2], dtype: 'bool', data: new Uint8Array([1, 0]) }],
      ['none', { shape: [0], dtype: 'float32', data: new Float32Array(0) }],
    ];
    const extras = {
      iteration: 90000,
      ints: [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, 2 ** 53, -(2 ** 60)],
      big: [2n ** 64n, -(2n ** 64n), 127n, 128n, -128n, -129n, 2n ** 2100n],
      floats: Object.freeze([0.5, -0, Number.POSITIVE_INFINITY, 1e-310]),
      nested: new Map<unknown, unknown>([
        ['lr', 0.001],
        [3, null],
        ['flags', [true, false, 'ünïcode', Object.freeze([])]],
      ]),
      plain: { a: 1 },
      ema: { shape: [1], dtype: 'float32', data: new Float32Array([0.25]) },
    };
    const copy = readTorchCheckpoint(writeTorchCheckpoint({ stateDict: new Map(tensors), extras }));
    expect([...copy.stateDict]).toEqual(tensors);
    // Python ints come back as numbers when exactly representable, else as bigints.
    expect(copy.extras).toEqual({
      ...extras,
      ints: [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, 2n ** 53n, -(2n ** 60n)],
      big: [2n ** 64n, -(2n ** 64n), 127, 128, -128, -129, 2n ** 2100n],
      plain: new Map([['a', 1]]),
    });
    expect(Object.is((copy.extras.floats as number[])[1], -0)).toBe(true);
    expect(Object.isFrozen(copy.extras.floats)).toBe(true);
  });

  it('writes the torch.save layout: data.pkl, data/<key>, version and byteorder under one folder', () => {
    const stateDict = new Map<string, TorchTensor>([
      ['w', { shape: [2], dtype: 'float32', data: new Float32Array([1, 2]) }],
    ]);
    const files = unzipSync(writeTorchCheckpoint({ stateDict, extras: {} }, 'model_final'));
    expect(Object.keys(files).sort()).toEqual([
      'model_final/byteorder',
      'model_final/data.pkl',
      'model_final/data/0',
      'model_final/version',
    ]);
    expect(new TextDecoder().decode(files['model_final/version'])).toBe('3\n');
    expect(files['model_final/data/0']).toEqual(new Uint8Array(new Float32Array([1, 2]).buffer));
    // Protocol 2, as torch.save's default, so every torch version reads it.
    expect(Array.from(files['model_final/data.pkl'].subarray(0, 2))).toEqual([0x80, 2]);
    expect(() => unpickle(files['model_final/data.pkl'])).toThrow(
      "pickle global 'collections.OrderedDict' is not allowed",
    );
  });

  it('refuses what it cannot write faithfully', () => {
    const write = (tensor: TorchTensor, extras: Record<string, unknown> = {}) =>
      writeTorchCheckpoint({ stateDict: new Map([['w', tensor]]), extras });
    const ok: TorchTensor = { shape: [1], dtype: 'float32', data: new Float32Array(1) };
    expect(() => write({ shape: [1], dtype: 'float16', data: new Float32Array(1) })).toThrow(
      "not supported: writing float16 (state_dict entry 'w')",
    );
    expect(() => write({ shape: [2], dtype: 'float32', data: new Float32Array(3) })).toThrow(
      "state_dict entry 'w': data is not a Float32Array of 2 elements",
    );
    expect(() => write({ shape: [1], dtype: 'int64', data: new Int32Array(1) })).toThrow(
      "state_dict entry 'w': data is not a BigInt64Array of 1 elements",
    );
    expect(() => write(ok, { model: 1 })).toThrow("checkpoint extras must not have a 'model' key");
    expect(() => write(ok, { when: new Date() })).toThrow('not supported: pickling a Date');
    expect(() => write(ok, { nothing: undefined })).toThrow('not supported: pickling a undefined');
    expect(() => writeTorchCheckpoint({ stateDict: new Map(), extras: {} }, '../x')).toThrow(
      "bad checkpoint archive name '../x'",
    );
  });
});
