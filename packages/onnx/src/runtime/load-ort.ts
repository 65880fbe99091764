/** onnxruntime-node is an optional peer: loaded on first use, with a clear message when it is missing. */
import type * as ort from 'onnxruntime-node';

/** The onnxruntime-node module type. */
export type OnnxRuntime = typeof ort;

let loaded: Promise<OnnxRuntime> | undefined;

/** Imports onnxruntime-node once; rejects with what to install when it is not there. */
export function loadOnnxRuntime(): Promise<OnnxRuntime> {
  loaded ??= import('onnxruntime-node').catch((e: unknown) => {
    loaded = undefined;
    throw new Error(
      `install onnxruntime-node to run .onnx models (ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1.30.0: its CPU build ships in the package, the flag skips downloading GPU parts): ${(e as Error).message}`,
    );
  });
  return loaded;
}
