/**
 * Runs one function of the code under test in a child process whose V8 heap is capped, for the hostile-input
 * suites: an input that would make a parser take gigabytes of heap kills the child (reported as
 * `outOfMemory`), not the test process, and one that would run for ever is stopped at the deadline.
 */
import { fork } from 'node:child_process';
import path from 'node:path';

/** How a bounded run ended. */
export interface BoundedRun {
  /** Milliseconds the function ran (or, when it did not return, until the child ended). */
  ms: number;
  /** The message of what it threw. */
  error?: string;
  /** The child ran out of its heap (or died of a signal V8 raises on a fatal allocation). */
  outOfMemory?: boolean;
  /** It was stopped at the deadline. */
  timedOut?: boolean;
  /** Growth of the child's ArrayBuffer memory (outside the V8 heap) while it ran, in MiB. */
  arrayBufferMb?: number;
}

/** Limits of {@link runBounded}. */
export interface BoundedLimits {
  /** The child's old-generation heap, in MiB (default 256). */
  heapMb?: number;
  /** Deadline in milliseconds (default 10 000). */
  timeoutMs?: number;
}

const CHILD = path.join(__dirname, 'bounded-child.js');

/**
 * Calls `name` exported by `modulePath` (a `.ts` or `.js` file) with `args` (structured-cloned, typed arrays
 * included) in a child process with at most `heapMb` of heap, resolving how it ended; never rejects for what
 * the function does.
 */
export function runBounded(
  modulePath: string,
  name: string,
  args: readonly unknown[],
  limits: BoundedLimits = {},
): Promise<BoundedRun> {
  const { heapMb = 256, timeoutMs = 10_000 } = limits;
  const start = performance.now();
  const child = fork(CHILD, [], {
    execArgv: [`--max-old-space-size=${heapMb}`],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  return new Promise((resolve) => {
    let result: BoundedRun | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      result = { ms: performance.now() - start, timedOut: true };
    }, timeoutMs);
    child.once('message', (run: BoundedRun) => {
      result ??= run;
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (result) return resolve(result);
      const ms = performance.now() - start;
      resolve(
        /out of memory|invalid size|allocation failed/i.test(stderr) || signal === 'SIGABRT' || code === 134
          ? { ms, outOfMemory: true }
          : { ms, error: `the child ended (${signal ?? code}) without an answer: ${stderr.trim()}` },
      );
    });
    child.send({ modulePath, name, args });
  });
}
