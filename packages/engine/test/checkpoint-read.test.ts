import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REFERENCE_DIR as FIXTURES, REFERENCE_PTH as PTH } from '@ssd-test/kit';
import { readTorchCheckpoint, type TorchCheckpoint, tensorToFloat32 } from '../src/checkpoint/torch';

interface StateDictSpec {
  keys: [string, number[], string][];
}

// Independent values: the same file decoded by Python's pickle + numpy (as_strided over the raw storages).
const PYTHON_DECODED: Record<string, { shape: number[]; sum: number; first: number[]; last: number }> = {
  'backbone.features.0.0.weight': {
    shape: [32, 3, 3, 3],
    sum: -1.6479551903266838,
    first: [0.35815903544425964, -0.3329561948776245, 0.1485798954963684],
    last: 0.046489864587783813,
  },
  'backbone.features.18.1.running_var': {
    shape: [1280],
    sum: 1279.1883836388588,
    first: [0.5448700785636902, 1.1206998825073242, 0.9674102663993835],
    last: 0.8385913968086243,
  },
  'box_head.predictor.cls_headers.5.weight': {
    shape: [126, 64, 1, 1],
    sum: -28.162662263632228,
    first: [0.0187117587774992, -0.05151499807834625, -0.1425064206123352],
    last: 0.13739566504955292,
  },
};

describe('readTorchCheckpoint on the reference mobilenet_v2_ssd320 checkpoint', () => {
  let checkpoint: TorchCheckpoint;
  beforeAll(() => {
    checkpoint = readTorchCheckpoint(PTH);
  });

  it('holds exactly the state_dict keys, shapes and dtypes of the reference model, in order', () => {
    const spec = JSON.parse(
      readFileSync(path.join(FIXTURES, 'state_dict_mobilenet_v2_ssd320_voc0712.json'), 'utf8'),
    ) as StateDictSpec;
    const actual = [...checkpoint.stateDict].map(([key, t]) => [key, t.shape, t.dtype]);
    expect(actual).toEqual(spec.keys);
    for (const [key, tensor] of checkpoint.stateDict) {
      const count = tensor.shape.reduce((a, b) => a * b, 1);
      expect([key, tensor.data.length]).toEqual([key, count]);
    }
  });

  it('keeps the other top-level entries as extras', () => {
    expect(checkpoint.extras).toEqual({ iteration: 0 });
  });

  it('decodes the same values as an independent Python decoder', () => {
    for (const [key, want] of Object.entries(PYTHON_DECODED)) {
      const tensor = checkpoint.stateDict.get(key)!;
      expect(tensor.shape).toEqual(want.shape);
      const data = tensor.data as Float32Array;
      expect(Array.from(data.subarray(0, 3))).toEqual(want.first);
      expect(data[data.length - 1]).toBe(want.last);
      expect(data.reduce((s, v) => s + v, 0)).toBeCloseTo(want.sum, 9);
    }
  });

  it('has positive BN running variances and int64 scalar num_batches_tracked', () => {
    let variances = 0;
    let counters = 0;
    for (const [key, tensor] of checkpoint.stateDict) {
      if (key.endsWith('.running_var')) {
        variances++;
        expect(tensor.data).toBeInstanceOf(Float32Array);
        expect((tensor.data as Float32Array).every((v) => v > 0)).toBe(true);
      }
      if (key.endsWith('.num_batches_tracked')) {
        counters++;
        expect(tensor).toEqual({ shape: [], dtype: 'int64', data: new BigInt64Array([0n]) });
      }
    }
    expect(variances).toBe(74);
    expect(counters).toBe(74);
  });

  it('reads the same checkpoint from bytes', () => {
    const fromBytes = readTorchCheckpoint(new Uint8Array(readFileSync(PTH)));
    expect([...fromBytes.stateDict.keys()]).toEqual([...checkpoint.stateDict.keys()]);
    const key = 'box_head.predictor.cls_headers.5.weight';
    expect(fromBytes.stateDict.get(key)!.data).toEqual(checkpoint.stateDict.get(key)!.data);
  });

  it('converts tensors to float32 for weight loading', () => {
    const weight = checkpoint.stateDict.get('backbone.features.0.0.weight')!;
    expect(tensorToFloat32(weight)).toBe(weight.data);
    const counter = checkpoint.stateDict.get('backbone.features.0.1.num_batches_tracked')!;
    expect(tensorToFloat32(counter)).toEqual(new Float32Array([0]));
  });
});
