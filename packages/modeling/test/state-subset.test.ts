import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { Scope, StateStore } from '../src/nn';

/** A store with a conv weight [O=2, I=3, 1, 1] under `backbone.conv` and an unrelated head bias. */
function store(): StateStore {
  const s = new StateStore(0);
  const zeros = () => new Float32Array(6);
  new Scope(s)
    .child('backbone')
    .child('conv')
    .param('weight', {
      shape: [1, 1, 3, 2],
      torchShape: [2, 3, 1, 1],
      layout: 'conv',
      init: () => zeros(),
    });
  new Scope(s).child('backbone').child('bn').counter('num_batches_tracked');
  new Scope(s).child('head').param('bias', { shape: [2], init: () => new Float32Array(2) });
  return s;
}

const conv = { shape: [2, 3, 1, 1], dtype: 'float32', data: Float32Array.from([1, 2, 3, 4, 5, 6]) };

beforeAll(() => tf.setBackend('cpu'));

describe('StateStore.loadTorchSubset (load_state_dict on a sub-module)', () => {
  it('non-strict: assigns what both sides have, transposed, and reports the rest', () => {
    const s = store();
    const result = s.loadTorchSubset(
      new Map([
        ['conv.weight', conv],
        ['fc.weight', conv],
      ]),
      'backbone.',
      false,
    );
    expect(result).toEqual({
      loaded: ['backbone.conv.weight'],
      missing: ['backbone.bn.num_batches_tracked'],
      unexpected: ['fc.weight'],
    });
    // OIHW [2,3,1,1] → HWIO [1,1,3,2]
    expect(Array.from(s.get('backbone.conv.weight').variable.dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
    s.dispose();
  });

  it('strict: missing or unexpected keys are errors; either way a wrong shape is, and nothing changes', () => {
    const s = store();
    expect(() => s.loadTorchSubset(new Map([['conv.weight', conv]]), 'backbone.', true, 'f.pth')).toThrow(
      'f.pth does not match the model: missing: backbone.bn.num_batches_tracked',
    );
    const wrong = { ...conv, shape: [3, 2, 1, 1] };
    expect(() => s.loadTorchSubset(new Map([['conv.weight', wrong]]), 'backbone.', false, 'f.pth')).toThrow(
      'f.pth does not match the model: wrong shape: backbone.conv.weight (expected [2, 3, 1, 1], got [3, 2, 1, 1])',
    );
    expect(Array.from(s.get('backbone.conv.weight').variable.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    s.dispose();
  });
});
