import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readTorchCheckpoint, tensorToFloat32 } from '../src/checkpoint/torch';

// Written by PyTorch itself (fixtures/legacy/generate.py), in the format of the published ImageNet weights.
const DIR = path.join(__dirname, 'fixtures', 'legacy');
const expected: Record<string, { shape: number[]; dtype: string; values: number[] }> = JSON.parse(
  readFileSync(path.join(DIR, 'expected.json'), 'utf8'),
);

describe('readTorchCheckpoint on legacy-format (PyTorch < 1.6) files', () => {
  it.each(['state_dict.pth', 'wrapped.pth', 'tensor_0_1.pth', 'rebuild_tensor.pth'])(
    '%s: every tensor with its shape, dtype and values',
    (file) => {
      const { stateDict } = readTorchCheckpoint(path.join(DIR, file));
      expect([...stateDict.keys()]).toEqual(Object.keys(expected));
      for (const [key, want] of Object.entries(expected)) {
        const t = stateDict.get(key)!;
        expect([key, t.shape, t.dtype]).toEqual([key, want.shape, want.dtype]);
        const got = Array.from(tensorToFloat32(t));
        want.values.forEach((v, i) => {
          expect(got[i]).toBeCloseTo(v, 6);
        });
      }
    },
  );

  it('keeps the other top-level entries of a wrapped checkpoint', () => {
    expect(readTorchCheckpoint(path.join(DIR, 'wrapped.pth')).extras).toEqual({ iteration: 7 });
  });

  it('names the file when its storages are cut short', () => {
    const bytes = readFileSync(path.join(DIR, 'state_dict.pth'));
    const cut = bytes.subarray(0, bytes.length - 40);
    expect(() => readTorchCheckpoint(cut)).toThrow(/<checkpoint bytes>: storage '\d+' is truncated/);
  });
});
