import * as tf from '@tensorflow/tfjs-core';
import { copyBlock } from '../src/wasm/heap-slice';
import { onBothBackends, seeded, seededTensor, setUpBackends } from './kernels-helpers';

beforeAll(setUpBackends);

interface SliceCase {
  name: string;
  shape: number[];
  begin: number[];
  size: number[];
}

const SLICE_CASES: SliceCase[] = [
  { name: '4-D inner block', shape: [2, 7, 6, 5], begin: [1, 2, 1, 1], size: [1, 3, 4, 3] },
  { name: '4-D rows, trailing axes whole', shape: [3, 5, 4, 6], begin: [0, 1, 0, 0], size: [-1, 3, -1, -1] },
  { name: '2-D contiguous rows', shape: [40, 9], begin: [11, 0], size: [17, 9] },
  { name: '2-D columns', shape: [8, 9], begin: [0, 2], size: [-1, 5] },
  { name: '3-D last axis partly', shape: [4, 3, 7], begin: [1, 0, 6], size: [2, 3, 1] },
  { name: '1-D', shape: [13], begin: [4], size: [6] },
  { name: 'whole tensor', shape: [2, 3], begin: [0, 0], size: [-1, -1] },
  { name: '5-D', shape: [2, 3, 2, 4, 3], begin: [1, 1, 0, 1, 0], size: [1, 2, 2, 2, 2] },
];

describe('Slice on wasm (read through a heap view) matches the pure-JS backend', () => {
  test.each(SLICE_CASES)('$name', async ({ shape, begin, size }) => {
    const out = await onBothBackends(() => tf.slice(seededTensor(shape, 21), begin, size));
    expect(Array.from(out.wasm[0]!)).toEqual(Array.from(out.cpu[0]!));
  });

  test('int32 slices are left to wasm’s own kernel and still right', async () => {
    const out = await onBothBackends(() =>
      tf.slice(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3], 'int32'), [1, 1], [2, 2]),
    );
    expect(Array.from(out.wasm[0]!)).toEqual([5, 6, 8, 9]);
    expect(Array.from(out.cpu[0]!)).toEqual([5, 6, 8, 9]);
  });
});

test('copyBlock copies a block row by row as an index-by-index walk does', () => {
  const shape = [3, 4, 5];
  const src = seeded(60, 3);
  const out = new Float32Array(2 * 2 * 3);
  copyBlock(src, shape, [1, 2, 1], [2, 2, 3], out);
  const expected: number[] = [];
  for (let i = 1; i < 3; i++)
    for (let j = 2; j < 4; j++) for (let k = 1; k < 4; k++) expected.push(src[(i * 4 + j) * 5 + k]!);
  expect(Array.from(out)).toEqual(expected);
});
