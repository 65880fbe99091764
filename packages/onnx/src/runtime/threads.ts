/** How many threads one ONNX Runtime operator takes by default, in Node: every core (browser: threads.browser.ts). */
import { availableParallelism } from 'node:os';

/** The machine's cores. */
export function defaultThreads(): number {
  return availableParallelism();
}
