import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { type nn, SSDDetector } from '../src';
import { readJson, referenceConfig } from './detector-helpers';

interface StateDictFixture {
  config: string;
  keys: Array<[string, number[], string]>;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Zero tensors with the fixture's names, shapes and dtypes, as a reference checkpoint would hold them. */
function zeroTorchStateDict(keys: StateDictFixture['keys']): Map<string, nn.TorchTensorLike> {
  return new Map(
    keys.map(([name, shape, dtype]) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = dtype === 'int64' ? new BigInt64Array(size) : new Float32Array(size);
      return [name, { shape, dtype, data }];
    }),
  );
}

/** The COCO variants differ from their VOC fixtures only in NUM_CLASSES (81), i.e. the cls_headers' widths. */
function withClasses(keys: StateDictFixture['keys'], from: number, to: number): StateDictFixture['keys'] {
  return keys.map(([name, shape, dtype]) =>
    name.includes('cls_headers') && !/\.conv\.[01]\./.test(name)
      ? [name, [(shape[0] / from) * to, ...shape.slice(1)], dtype]
      : [name, shape, dtype],
  );
}

const CASES: Array<[string, string, (keys: StateDictFixture['keys']) => StateDictFixture['keys']]> = [
  ['vgg_ssd300_voc0712.yaml', 'state_dict_vgg_ssd300_voc0712.json', (k) => k],
  ['vgg_ssd512_voc0712.yaml', 'state_dict_vgg_ssd512_voc0712.json', (k) => k],
  ['vgg_ssd300_coco_trainval35k.yaml', 'state_dict_vgg_ssd300_voc0712.json', (k) => withClasses(k, 21, 81)],
  ['vgg_ssd512_coco_trainval35k.yaml', 'state_dict_vgg_ssd512_voc0712.json', (k) => withClasses(k, 21, 81)],
  ['mobilenet_v2_ssd320_voc0712.yaml', 'state_dict_mobilenet_v2_ssd320_voc0712.json', (k) => k],
];

test.each(CASES)('%s has the reference state_dict names, order and shapes', (config, fixture, adapt) => {
  const keys = adapt(readJson<StateDictFixture>(fixture).keys);
  const model = new SSDDetector(referenceConfig(config));
  expect([...model.stateDict().keys()]).toEqual(keys.map(([name]) => name));
  // A strict load of tensors with exactly the reference shapes (PyTorch layout) succeeds…
  model.loadTorchStateDict(zeroTorchStateDict(keys), fixture);
  // …and int64 counters are int32 scalars here, BatchNorm statistics are not trainable.
  for (const [name, , dtype] of keys) {
    const v = model.stateDict().get(name)!;
    expect([name, v.dtype]).toEqual([name, dtype === 'int64' ? 'int32' : 'float32']);
  }
  const trainable = [...model.trainableVariables().keys()];
  expect(trainable).toEqual(
    keys.map(([name]) => name).filter((n) => !/running_(mean|var)|num_batches_tracked/.test(n)),
  );
  model.dispose();
});

test('a reference checkpoint with a missing, an extra and a mis-shaped tensor is refused by name', () => {
  const keys = readJson<StateDictFixture>('state_dict_mobilenet_v2_ssd320_voc0712.json').keys;
  const model = new SSDDetector(referenceConfig('mobilenet_v2_ssd320_voc0712.yaml'));
  const map = zeroTorchStateDict(keys);
  map.delete('backbone.features.3.conv.1.1.running_var');
  map.set('box_head.predictor.extra.weight', { shape: [1], dtype: 'float32', data: new Float32Array(1) });
  map.set('box_head.predictor.reg_headers.5.weight', {
    shape: [24, 64, 3, 3],
    dtype: 'float32',
    data: new Float32Array(24 * 64 * 9),
  });
  expect(() => model.loadTorchStateDict(map, 'bad.pth')).toThrow(
    'bad.pth does not match the model: missing: backbone.features.3.conv.1.1.running_var; ' +
      'unexpected: box_head.predictor.extra.weight; ' +
      'wrong shape: box_head.predictor.reg_headers.5.weight (expected [24, 64, 1, 1], got [24, 64, 3, 3])',
  );
  model.dispose();
});

describe('torchStateDict', () => {
  test.each(CASES.filter(([config]) => config.includes('voc0712')))(
    '%s gives the reference names, shapes and dtypes, and loads back into another model unchanged',
    (config, fixture) => {
      const keys = readJson<StateDictFixture>(fixture).keys;
      const source = new SSDDetector(referenceConfig(config), { seed: 1 });
      const torch = source.torchStateDict();
      expect([...torch].map(([name, t]) => [name, t.shape, t.dtype])).toEqual(keys);
      const copy = new SSDDetector(referenceConfig(config), { seed: 2 });
      copy.loadTorchStateDict(torch, 'torchStateDict');
      const copied = copy.stateDict();
      for (const [name, v] of source.stateDict()) {
        const same = Buffer.from(v.dataSync().buffer).equals(
          Buffer.from(copied.get(name)!.dataSync().buffer),
        );
        expect([name, same]).toEqual([name, true]);
      }
      source.dispose();
      copy.dispose();
    },
  );

  test('convolution weights come out as [out, in, kh, kw] and depthwise ones as [channels, 1, kh, kw]', () => {
    const model = new SSDDetector(referenceConfig('mobilenet_v2_ssd320_voc0712.yaml'), { seed: 3 });
    const torch = model.torchStateDict();
    const ours = model.stateDict();
    // features.0.0: a 3×3 convolution 3 → 32, ours [kh, kw, in, out].
    const conv = ours.get('backbone.features.0.0.weight')!.dataSync();
    const convTorch = torch.get('backbone.features.0.0.weight')!.data;
    const [o, i, y, x] = [17, 2, 1, 2];
    expect(convTorch[((o * 3 + i) * 3 + y) * 3 + x]).toBe(conv[((y * 3 + x) * 3 + i) * 32 + o]);
    // features.1.conv.0.0: depthwise 3×3 over 32 channels, ours [kh, kw, channels, 1].
    const dw = ours.get('backbone.features.1.conv.0.0.weight')!.dataSync();
    const dwTorch = torch.get('backbone.features.1.conv.0.0.weight')!.data;
    const [c, dy, dx] = [29, 2, 0];
    expect(dwTorch[(c * 3 + dy) * 3 + dx]).toBe(dw[(dy * 3 + dx) * 32 + c]);
    expect(torch.get('backbone.features.0.1.num_batches_tracked')!.data).toEqual(new BigInt64Array([0n]));
    model.dispose();
  });
});
