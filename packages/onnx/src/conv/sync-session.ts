/**
 * ONNX Runtime sessions run synchronously, for callers that cannot await (a tfjs kernel returns its output).
 * onnxruntime-node's public API is asynchronous only as a wrapper: its native binding runs a session in the
 * calling thread and returns, which is what a kernel needs. The binding is internal to onnxruntime-node, so
 * this depends on the exact version pinned in package.json; `loadSyncRuntime` checks it.
 */

import type * as ort from 'onnxruntime-node';
import type { Binding } from 'onnxruntime-node/dist/binding';

/** The onnxruntime-node version whose native binding this module drives. */
export const SYNC_RUNTIME_VERSION = '1.30.0';

/** A float32 tensor's values and dimensions, read or written in place (no copy). */
export interface FloatTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

interface SyncRuntime {
  readonly ort: typeof ort;
  readonly binding: { InferenceSession: Binding.InferenceSessionConstructor };
}

let runtime: SyncRuntime | undefined;

/** onnxruntime-node and its native binding, loaded once; throws what to install when either is missing. */
export function loadSyncRuntime(): SyncRuntime {
  if (runtime) return runtime;
  let version: string;
  try {
    version = (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch (e) {
    throw new Error(
      `install onnxruntime-node@${SYNC_RUNTIME_VERSION} to run convolutions on ONNX Runtime (ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@${SYNC_RUNTIME_VERSION}): ${(e as Error).message}`,
    );
  }
  if (version !== SYNC_RUNTIME_VERSION) {
    throw new Error(
      `not supported: onnxruntime-node ${version} for convolutions on ONNX Runtime (its synchronous binding is driven as in ${SYNC_RUNTIME_VERSION}; install that version)`,
    );
  }
  const ortModule = require('onnxruntime-node') as typeof ort;
  const native = require('onnxruntime-node/dist/binding') as {
    binding: { InferenceSession: Binding.InferenceSessionConstructor };
    initOrt: () => void;
  };
  native.initOrt();
  runtime = { ort: ortModule, binding: native.binding };
  return runtime;
}

/** One ONNX model loaded into ONNX Runtime's CPU provider, run synchronously into caller-owned outputs. */
export class SyncSession {
  private readonly session: Binding.InferenceSession;
  private readonly rt: SyncRuntime;

  /**
   * Loads `model` (ONNX bytes) with `threads` threads for one operator, spinning off between runs. `arena`
   * keeps the memory of the graph's intermediate tensors between runs (ONNX Runtime's CPU arena, one per
   * session); without it they are freed after each run, which costs fresh pages when they are large.
   */
  constructor(model: Uint8Array, threads: number, arena = false) {
    this.rt = loadSyncRuntime();
    this.session = new this.rt.binding.InferenceSession();
    this.session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      enableCpuMemArena: arena,
      enableMemPattern: arena,
      // Why: between runs the calling thread works on other kernels; spinning pool threads would take its core.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
  }

  /** Runs the model on `inputs`, writing each output into the given tensor (whose shape it must have). */
  run(inputs: Readonly<Record<string, FloatTensor>>, outputs: Readonly<Record<string, FloatTensor>>): void {
    const { Tensor } = this.rt.ort;
    const wrap = (t: FloatTensor) => new Tensor('float32', t.data, t.dims);
    const feeds = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, wrap(t)]));
    const fetches = Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, wrap(t)]));
    this.session.run(feeds, fetches, {});
  }

  /** Frees the native session. */
  dispose(): void {
    this.session.dispose();
  }
}
