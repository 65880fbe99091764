// Convolution geometries the wasm kernel tests run (kernels-conv, kernels-ort-conv): SSD's, and edge cases.

export type Pad =
  | 'same'
  | 'valid'
  | number
  | [[number, number], [number, number], [number, number], [number, number]];

/** One convolution: input and filter shapes, strides, padding. */
export interface ConvCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

export const CONV_CASES: ConvCase[] = [
  { name: '3x3 s1 same', x: [2, 9, 8, 5], filter: [3, 3, 5, 6], strides: 1, pad: 'same' },
  { name: '3x3 s2 same, odd size', x: [1, 9, 7, 4], filter: [3, 3, 4, 3], strides: 2, pad: 'same' },
  { name: '3x3 s2 valid', x: [2, 10, 9, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'valid' },
  { name: '1x1 s1 valid', x: [2, 5, 6, 7], filter: [1, 1, 7, 5], strides: 1, pad: 'valid' },
  // Over 2^19 elements: the filter gradient transposes the input as a 3-D tensor.
  {
    name: '1x1 s1 valid, large input',
    x: [1, 64, 64, 130],
    filter: [1, 1, 130, 3],
    strides: 1,
    pad: 'valid',
  },
  {
    name: '1x1 s1 valid, more outputs than inputs',
    x: [2, 5, 6, 3],
    filter: [1, 1, 3, 8],
    strides: 1,
    pad: 'valid',
  },
  {
    name: '1x1 s1 valid, large output gradient',
    x: [1, 64, 64, 3],
    filter: [1, 1, 3, 130],
    strides: 1,
    pad: 'valid',
  },
  { name: '1x1 s2 valid', x: [2, 7, 6, 4], filter: [1, 1, 4, 3], strides: 2, pad: 'valid' },
  { name: '3x3 s2 pad 1', x: [1, 10, 10, 4], filter: [3, 3, 4, 4], strides: 2, pad: 1 },
  // The filter gradient multiplies patch matrices chunk by chunk of output rows (about 2^18 dy floats each):
  // 4 chunks here, the last one partial and one spanning two images.
  { name: '3x3 s1 pad 1, chunked over rows', x: [3, 23, 21, 4], filter: [3, 3, 4, 600], strides: 1, pad: 1 },
  {
    name: '3x3 s2 pad 1 (VGG extras), chunked',
    x: [2, 19, 19, 6],
    filter: [3, 3, 6, 2000],
    strides: 2,
    pad: 1,
  },
  // Many small images, as the space-to-batch blocks of a dilated convolution give.
  {
    name: '3x3 valid on space-to-batch blocks',
    x: [72, 6, 6, 8],
    filter: [3, 3, 8, 16],
    strides: 1,
    pad: 'valid',
  },
  {
    name: '2x3 strides [2,1] explicit',
    x: [2, 8, 7, 3],
    filter: [2, 3, 3, 5],
    strides: [2, 1],
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
];
