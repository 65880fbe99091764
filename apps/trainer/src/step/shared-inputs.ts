import type { BatchArrays } from './accumulate';

/** A batch's shape (images, their size and the priors per image) and its iteration. */
export interface BatchShape {
  iteration: number;
  batchSize: number;
  imageSize: number;
  numPriors: number;
}

function lengths({ batchSize: n, imageSize: s, numPriors: p }: BatchShape): [number, number, number] {
  return [n * s * s * 3, n * p * 4, n * p];
}

/** Bytes a batch of this shape takes in a shared buffer. */
export function inputBytes(shape: BatchShape): number {
  return lengths(shape).reduce((a, b) => a + b, 0) * 4;
}

/** Views of a shared buffer holding a batch: images, then box targets, then labels. */
export function inputViews(buffer: SharedArrayBuffer, shape: BatchShape): BatchArrays {
  const [ni, nl, nc] = lengths(shape);
  return {
    iteration: shape.iteration,
    imageSize: shape.imageSize,
    numPriors: shape.numPriors,
    images: new Float32Array(buffer, 0, ni),
    locations: new Float32Array(buffer, ni * 4, nl),
    labels: new Int32Array(buffer, (ni + nl) * 4, nc),
  };
}

/** Copies a batch into a shared buffer (a new one when `buffer` is too small); returns the buffer. */
export function shareInputs(batch: BatchArrays & BatchShape, buffer?: SharedArrayBuffer): SharedArrayBuffer {
  const out =
    buffer && buffer.byteLength >= inputBytes(batch) ? buffer : new SharedArrayBuffer(inputBytes(batch));
  const views = inputViews(out, batch);
  views.images.set(batch.images);
  views.locations.set(batch.locations);
  views.labels.set(batch.labels);
  return out;
}
