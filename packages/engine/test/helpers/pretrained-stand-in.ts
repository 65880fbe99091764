/**
 * Small stand-ins for the ImageNet weights files the reference loads: the keys, shapes and dtypes of each
 * real file (fixtures/pretrained/<file>.keys.json, listed once with torch), filled with values made here that
 * differ at every element, so a test can tell where each one lands.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type TorchTensor, writeTorchCheckpoint } from '../../src';

/** A keys-and-shapes listing of one source file. */
export interface SourceListing {
  url: string;
  keys: [string, number[], string][];
}

/** The listing of `fileName` (e.g. `vgg16_reducedfc.pth`). */
export function readListing(fileName: string): SourceListing {
  return JSON.parse(
    readFileSync(path.join(__dirname, '../fixtures/pretrained', `${fileName}.keys.json`), 'utf8'),
  );
}

/** Tensors in the listing's layout; element i of tensor k is a distinct float32 (a hash of k and i). */
export function standInTensors(listing: SourceListing): Map<string, TorchTensor> {
  const tensors = new Map<string, TorchTensor>();
  listing.keys.forEach(([key, shape, dtype], k) => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (dtype === 'int64') {
      tensors.set(key, {
        shape,
        dtype: 'int64',
        data: BigInt64Array.from({ length: n }, () => BigInt(k + 1)),
      });
      return;
    }
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++)
      data[i] = ((Math.imul(i + 1, 2654435761) ^ Math.imul(k + 1, 40503)) >>> 0) / 2 ** 32 - 0.5;
    tensors.set(key, { shape, dtype: 'float32', data });
  });
  return tensors;
}

/** A `.pth` holding `tensors` (torch.save zip format). */
export function standInFile(tensors: Map<string, TorchTensor>): Uint8Array {
  return writeTorchCheckpoint({ stateDict: tensors, extras: {} });
}
