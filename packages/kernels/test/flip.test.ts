import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { flippedSwappedFilter } from '../src/wasm/flip-filter';

describe('flippedSwappedFilter', () => {
  it('equals tfjs reverse over both spatial axes then the channel axes swapped', async () => {
    await tf.setBackend('cpu');
    const filter = tf.tensor4d(
      Float32Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i * 0.5 - 7),
      [2, 3, 4, 5],
    );
    const expected = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    const got = flippedSwappedFilter(filter);
    expect(got.shape).toEqual([2, 3, 5, 4]);
    expect(Array.from(got.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([filter, expected, got]);
  });
});
