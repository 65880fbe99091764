/**
 * ONNX Runtime's execution providers as onnxruntime-node offers them: its CPU kernels, and on Linux x64 (and
 * Windows) its WebGPU provider, which brings its own Dawn and runs on whatever GPU Vulkan (Metal, D3D12) finds.
 * A provider is chosen per session with `executionProviders: ['webgpu']`; `listSupportedBackends()` says which
 * ones this build contains (`bundled`), not whether a GPU is there: only creating a session tells.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { GraphBuilder, IR_VERSION, ONNX_OPSET, valueInfo } from '../graph/graph-builder';
import { encodeModel } from '../proto/onnx-schema';
import { loadOnnxRuntime } from './load-ort';
import { defaultThreads } from './threads';

/** The providers ssd-ts runs models on: ONNX Runtime's CPU kernels, or its WebGPU provider. */
export type OnnxProvider = 'cpu' | 'webgpu';

/** Where the WebGPU provider finds a device, for the error when it finds none. */
const WEBGPU_HINT =
  "ONNX Runtime's WebGPU provider needs a GPU with a Vulkan driver (libvulkan.so.1 on Linux; Mesa's " +
  'lavapipe is a software one), Metal or D3D12';

/** The execution providers this onnxruntime-node build contains, by ONNX Runtime's names ('cpu', 'webgpu', …). */
export async function bundledProviders(): Promise<string[]> {
  const ort = await loadOnnxRuntime();
  return ort
    .listSupportedBackends()
    .filter((b) => b.bundled)
    .map((b) => b.name);
}

/**
 * Session options for running a model on `providers` (in order of preference; ONNX Runtime puts nodes no
 * provider takes on its CPU kernels). CPU sessions get `threads` intra-op threads (default: the cores) that do not
 * spin.
 */
export function sessionOptions(
  providers: readonly string[],
  threads = defaultThreads(),
): InferenceSession.SessionOptions {
  return {
    executionProviders: [...providers],
    intraOpNumThreads: threads,
    graphOptimizationLevel: 'all',
    // ORT's idle threads otherwise spin after each run, taking the cores our post-processing (NMS) and
    // data loading run on next: on 2 cores, MobileNetV2 run + NMS took 119 ms spinning, 48 ms not.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

/** Why a session on `providers` could not be made: ONNX Runtime's message, with what WebGPU needs. */
export function providerFailure(providers: readonly string[], e: unknown): string {
  const message = (e instanceof Error ? e.message : String(e)).trim();
  return providers.includes('webgpu') && /adapter|webgpu|dawn|vulkan/i.test(message)
    ? `${message} (${WEBGPU_HINT})`
    : message;
}

/** What `checkProvider` measured. */
export interface ProviderCheck {
  readonly provider: OnnxProvider;
  /** Sum of a known matrix product, so a broken provider shows up as a wrong number (expected: 8355840). */
  readonly checksum: number;
  /** Milliseconds to create the session and run it once (shader compilation included on WebGPU). */
  readonly ms: number;
}

/** The sum `checkProvider`'s product must give: n²(n−1)/2 for n = 256. */
export const PROVIDER_CHECKSUM = (256 * 256 * 255) / 2;

/** A one-node graph: [n, n] ones times b[i][j] = j / n, summed by the caller. */
function matMulModel(n: number): Uint8Array {
  const graph = new GraphBuilder();
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i * n + j] = j / n;
  const weights = graph.floats('b', b, [n, n]);
  graph.op('MatMul', ['a', weights], [n, n], {}, 'c');
  return encodeModel({
    irVersion: IR_VERSION,
    producerName: 'ssd-ts',
    producerVersion: '',
    docString: 'execution provider check',
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    metadataProps: [],
    graph: {
      name: 'check',
      node: graph.nodes,
      initializer: graph.initializers,
      input: [valueInfo('a', [n, n])],
      output: [valueInfo('c', [n, n])],
    },
  });
}

/**
 * Creates a session on `provider` alone and multiplies two 256×256 matrices on it (the product of `ssd backend`'s
 * tfjs check); throws, saying why, when the provider is not bundled or finds no device.
 */
export async function checkProvider(provider: OnnxProvider): Promise<ProviderCheck> {
  const ort = await loadOnnxRuntime();
  if (!(await bundledProviders()).includes(provider)) {
    throw new Error(`this onnxruntime-node build has no ${provider} execution provider`);
  }
  const n = 256;
  const start = performance.now();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(matMulModel(n), sessionOptions([provider]));
  } catch (e) {
    throw new Error(providerFailure([provider], e));
  }
  try {
    const a = new ort.Tensor('float32', new Float32Array(n * n).fill(1), [n, n]);
    const out = (await session.run({ a })).c!.data as Float32Array;
    let checksum = 0;
    for (const v of out) checksum += v;
    return { provider, checksum, ms: performance.now() - start };
  } finally {
    await session.release();
  }
}
