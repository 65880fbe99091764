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
