/** In a page, ONNX Runtime Web sizes its own thread pool (threads need a cross-origin-isolated page). */

/** The cores the browser reports. */
export function defaultThreads(): number {
  return globalThis.navigator?.hardwareConcurrency ?? 1;
}
