import {
  type KernelBackend,
  type KernelFunc,
  type UnsortedSegmentSumAttrs,
  util,
} from '@tensorflow/tfjs-core';

/**
 * UnsortedSegmentSum (the gradient of gather) in plain JS: row i of x, flattened past the segment-id
 * dimensions, is added to output row segmentIds[i]. Ids outside [0, numSegments) are dropped, as the
 * pure-JS backend does.
 */
export const unsortedSegmentSum: KernelFunc = ({ inputs, attrs, backend }) => {
  const kernelBackend = backend as KernelBackend;
  const { x, segmentIds } = inputs;
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
  const ids = kernelBackend.readSync(segmentIds!.dataId) as Int32Array;
  const values = kernelBackend.readSync(x!.dataId) as Float32Array | Int32Array;
  const rowShape = x!.shape.slice(segmentIds!.shape.length);
  const rowSize = util.sizeFromShape(rowShape);
  const shape = [numSegments, ...rowShape];
  const out = util.getTypedArrayFromDType(x!.dtype as 'float32' | 'int32', numSegments * rowSize);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id < 0 || id >= numSegments) continue;
    const src = i * rowSize;
    const dst = id * rowSize;
    for (let j = 0; j < rowSize; j++) out[dst + j] += values[src + j];
  }
  return { dataId: kernelBackend.write(out, shape, x!.dtype), shape, dtype: x!.dtype };
};
