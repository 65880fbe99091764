/**
 * Runs one function of the code under test in a worker thread whose V8 heap is capped, for the hostile-input
 * suites: an input that would make a parser take gigabytes of heap stops the worker (reported as
 * `outOfMemory`), not the test process, and one that would run for ever is stopped at the deadline.
 */
import { Worker } from 'node:worker_threads';

/** How a bounded run ended. */
export interface BoundedRun {
  /** Milliseconds until it returned, threw or was stopped. */
  ms: number;
  /** The message of what it threw. */
  error?: string;
  /** The worker ran out of its heap. */
  outOfMemory?: boolean;
  /** It was stopped at the deadline. */
  timedOut?: boolean;
  /** Growth of the process's ArrayBuffer memory (outside the V8 heap) while it ran, in MiB. */
  arrayBufferMb?: number;
}

/** Limits of {@link runBounded}. */
export interface BoundedLimits {
  /** The worker's old-generation heap, in MiB (default 256). */
  heapMb?: number;
  /** Deadline in milliseconds (default 10 000). */
  timeoutMs?: number;
}

// The worker transpiles TypeScript sources as it requires them (tests import the packages' src/ directly).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const ts = require(workerData.typescript);
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename,
  });
  module._compile(outputText, filename);
};
(async () => {
  const fn = require(workerData.modulePath)[workerData.name];
  const before = process.memoryUsage().arrayBuffers;
  const start = performance.now();
  let error;
  try {
    await fn(...workerData.args);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  parentPort.postMessage({
    ms: performance.now() - start,
    error,
    arrayBufferMb: (process.memoryUsage().arrayBuffers - before) / 2 ** 20,
  });
})();
`;

/**
 * Calls `name` exported by `modulePath` (a `.ts` or `.js` file) with `args` (structured-cloned) in a worker
 * with at most `heapMb` of heap, resolving how it ended; never rejects for what the function does.
 */
export function runBounded(
  modulePath: string,
  name: string,
  args: readonly unknown[],
  limits: BoundedLimits = {},
): Promise<BoundedRun> {
  const { heapMb = 256, timeoutMs = 10_000 } = limits;
  const start = performance.now();
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { modulePath, name, args, typescript: require.resolve('typescript') },
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 32 },
    stdout: false,
    stderr: false,
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve({ ms: performance.now() - start, timedOut: true });
    }, timeoutMs);
    worker.once('message', (run: BoundedRun) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(run);
    });
    worker.once('error', (e: Error & { code?: string }) => {
      clearTimeout(timer);
      resolve(
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { ms: performance.now() - start, outOfMemory: true }
          : { ms: performance.now() - start, error: `worker failed: ${e.message}` },
      );
    });
  });
}
