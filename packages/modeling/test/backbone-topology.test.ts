// The generic forward every backbone runs: taps, a tap through a module, extras, and the checks on a topology.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { Backbone, nn } from '../src';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const infer = { training: false };

/** A 1×1 convolution 2 → 2 channels, stride `stride`, with seeded weights. */
function conv(store: nn.StateStore, name: string, stride = 1): nn.Conv2d {
  return new nn.Conv2d(new nn.Scope(store, name), { inChannels: 2, outChannels: 2, kernelSize: 1, stride });
}

test('taps give the trunk outputs after that many layers, through their module; extras follow the trunk', () => {
  const store = new nn.StateStore(3);
  const [a, b, c, extra] = [conv(store, 'a', 2), conv(store, 'b'), conv(store, 'c', 2), conv(store, 'e', 2)];
  const l2 = new nn.L2Norm(new nn.Scope(store, 'l2'), 2, 5);
  const relu = new nn.ReLU();
  const backbone = new Backbone({
    layers: [a, relu, b, c],
    taps: [{ at: 2, through: l2 }, 4],
    extras: [extra],
  });
  const x = tf.randomNormal([1, 8, 8, 2], 0, 1, 'float32', 5) as tf.Tensor4D;
  tf.tidy(() => {
    const features = backbone.forward(x, infer);
    const afterRelu = tf.relu(a.forward(x));
    const trunk = c.forward(b.forward(afterRelu));
    const expected = [l2.forward(afterRelu), trunk, extra.forward(trunk)];
    expect(features.map((f) => f.shape)).toEqual([
      [1, 4, 4, 2],
      [1, 2, 2, 2],
      [1, 1, 1, 2],
    ]);
    features.forEach((f, i) => {
      expect(tf.max(tf.abs(tf.sub(f, expected[i]!))).dataSync()[0]).toBeLessThan(1e-6);
    });
  });
  x.dispose();
  store.dispose();
});

test('a topology that cannot run is refused, saying why', () => {
  const relu = new nn.ReLU();
  expect(() => new Backbone({ layers: [relu, relu], taps: [2, 1] })).toThrow(
    'backbone topology: tap 1 is at 1; taps must be whole numbers of layers, increasing, from 1 to the 2 layers',
  );
  expect(() => new Backbone({ layers: [relu], taps: [0] })).toThrow('tap 0 is at 0');
  expect(() => new Backbone({ layers: [relu], taps: [2] })).toThrow('tap 0 is at 2');
  expect(() => new Backbone({ layers: [relu], taps: [] })).toThrow(
    'no taps and no extras, so no feature maps',
  );
  expect(() => new Backbone({ layers: [relu, relu], taps: [1] })).toThrow(
    'backbone topology: layers 1 to 1 come after the last tap and feed no feature map',
  );
  expect(() => new Backbone({ layers: [relu, {} as nn.Module], taps: [2] })).toThrow(
    'backbone topology: layers[1] is not a module (it has no forward)',
  );
  expect(
    () => new Backbone({ layers: [relu], taps: [{ at: 1, through: null as unknown as nn.Module }] }),
  ).toThrow('backbone topology: taps[].through[0] is not a module');
  expect(
    () => new Backbone({ layers: [relu] } as unknown as ConstructorParameters<typeof Backbone>[0]),
  ).toThrow('backbone topology: needs `layers` and `taps` arrays');
  // Layers after the last tap are fine when they feed extras.
  expect(new Backbone({ layers: [relu, relu], taps: [1], extras: [relu] }).topology.taps).toEqual([
    { at: 1 },
  ]);
});
