import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type AllGatherGroup, allGatherGroup, SharedAllGather } from '../src/step/all-gather';

/** The built module, which worker threads load (they cannot run the TypeScript source). */
const BUILT = path.resolve(__dirname, '..', 'dist', 'step', 'all-gather.js');

/**
 * Starts a thread that gathers as `rank`: for each call k (1…calls) it sends [rank, k, k·rank, …] of length
 * 1 + k % 5 under layer `layer-${k % 3}`, after `delayMs` of sleep, and posts back what it got (or its error).
 */
function gatherer(group: AllGatherGroup, rank: number, calls: number, delayMs = 0): Promise<unknown> {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const { SharedAllGather } = require(workerData.file);
    const { group, rank, calls, delayMs } = workerData;
    const me = new SharedAllGather(group, rank, 30000);
    if (delayMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delayMs);
    try {
      const got = [];
      for (let k = 1; k <= calls; k++) {
        const values = Float64Array.from({ length: 1 + (k % 5) }, (_, i) => [rank, k, k * rank][i % 3]);
        got.push(me.allGather(values, 'layer-' + (k % 3)).map((v) => Array.from(v)));
      }
      parentPort.postMessage({ got });
    } catch (e) {
      parentPort.postMessage({ error: e.message });
    }`;
  const worker = new Worker(code, { eval: true, workerData: { file: BUILT, group, rank, calls, delayMs } });
  return new Promise((resolve, reject) => {
    worker.once('message', (m) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** What every thread of `threads` must get at call k. */
function expected(threads: number, k: number): number[][] {
  return Array.from({ length: threads }, (_, r) =>
    Array.from({ length: 1 + (k % 5) }, (_, i) => [r, k, k * r][i % 3]!),
  );
}

describe('SharedAllGather', () => {
  it('gives every thread every thread’s vectors, in thread order, call after call', async () => {
    const group = allGatherGroup(3, 8);
    const calls = 200;
    const results = await Promise.all([0, 1, 2].map((rank) => gatherer(group, rank, calls)));
    for (const r of results) {
      expect(r).toEqual({ got: Array.from({ length: calls }, (_, i) => expected(3, i + 1)) });
    }
  });

  it('runs the main thread’s end alongside the workers', async () => {
    const group = allGatherGroup(2, 8);
    const worker = gatherer(group, 1, 20, 100);
    const main = new SharedAllGather(group, 0, 30_000);
    for (let k = 1; k <= 20; k++) {
      const values = Float64Array.from({ length: 1 + (k % 5) }, (_, i) => [0, k, 0][i % 3]!);
      expect(main.allGather(values, `layer-${k % 3}`).map((v) => Array.from(v))).toEqual(expected(2, k));
    }
    expect(await worker).toEqual({ got: Array.from({ length: 20 }, (_, i) => expected(2, i + 1)) });
  });

  it('fails, naming the layer, call and missing thread, when a thread does not arrive in time', () => {
    const group = allGatherGroup(3, 4);
    const main = new SharedAllGather(group, 0, 100);
    const late = new SharedAllGather(group, 2, 100);
    const reason =
      'BatchNorm bn (synchronised call 1 of the step): training worker 2 waited 0.1 s for the main thread, training worker 1 to reach it';
    expect(() => late.allGather(Float64Array.of(1), 'bn')).toThrow(reason);
    // The group stays failed: a thread arriving later learns why at once.
    expect(() => main.allGather(Float64Array.of(1), 'bn')).toThrow(
      `BatchNorm bn (synchronised call 1 of the step) abandoned: ${reason}`,
    );
  });

  it('wakes waiting threads at once with the reason of a thread that fails', async () => {
    const group = allGatherGroup(2, 4);
    const main = new SharedAllGather(group, 0, 60_000);
    // The worker gathers with a vector longer than planned: it fails the group without arriving.
    const code = `
      const { workerData } = require('node:worker_threads');
      const { SharedAllGather } = require(workerData.file);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      try { new SharedAllGather(workerData.group, 1, 60000).allGather(new Float64Array(9), 'bn'); } catch {}`;
    const worker = new Worker(code, { eval: true, workerData: { file: BUILT, group } });
    await new Promise((ready) => worker.once('online', ready));
    const started = Date.now();
    expect(() => main.allGather(Float64Array.of(1), 'bn')).toThrow(
      'BatchNorm bn (synchronised call 1 of the step) abandoned: BatchNorm bn (synchronised call 1 of the step): 9 values, more than the 4 planned',
    );
    // Woken by the failure, not by the one-minute timeout.
    expect(Date.now() - started).toBeLessThan(30_000);
    await worker.terminate();
  });

  it('stops threads that call in different orders', async () => {
    const group = allGatherGroup(2, 8);
    const worker = gatherer(group, 1, 1); // calls layer-1 first
    const main = new SharedAllGather(group, 0, 30_000);
    expect(() => main.allGather(Float64Array.of(0, 1), 'layer-2')).toThrow(
      /training worker 1 gathered 2 values of another layer or length/,
    );
    expect(await worker).toEqual({ error: expect.stringMatching(/another layer or length/) });
  });
});
