import type { Device } from '@ssd/config';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type SelectedBackend } from './select';

/** What `runBackendCheck` measured. */
export interface BackendCheck extends SelectedBackend {
  /** Sum of a known matrix product, so a broken backend shows up as a wrong number. */
  checksum: number;
  ms: number;
}

/** Selects the backend for `device` and multiplies two 256×256 matrices on it. */
export async function runBackendCheck(device: Device, log?: (line: string) => void): Promise<BackendCheck> {
  const selected = await initBackend(device, log);
  const n = 256;
  const start = performance.now();
  // a[i][j] = 1, b[i][j] = j / n: every row of a·b sums to n·(n-1)/2, so the total is n²(n-1)/2.
  const sum = tf.tidy(() => {
    const a = tf.ones([n, n]);
    const b = tf.div(tf.tile(tf.reshape(tf.range(0, n), [1, n]), [n, 1]), n);
    return tf.sum(tf.matMul(a, b));
  });
  const checksum = (await sum.data())[0]!;
  sum.dispose();
  return { ...selected, checksum, ms: performance.now() - start };
}
