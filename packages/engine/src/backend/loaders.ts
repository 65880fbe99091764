import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  activate,
  type BackendLoader,
  BackendUnavailableError,
  describeAdapter,
  type GpuAdapterDescription,
  type GpuAdapterLike,
  type LoadedBackend,
  message,
} from './adapter';

export {
  type BackendLoader,
  BackendUnavailableError,
  describeAdapter,
  type GpuAdapterDescription,
  type LoadedBackend,
} from './adapter';

/** The native binding tfjs-node(-gpu) needs, if its installer managed to put it in place. */
function nativeBinding(pkg: string): string | undefined {
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return undefined;
  }
  const lib = path.join(dir, 'lib');
  const napi = existsSync(lib) ? readdirSync(lib).filter((d) => d.startsWith('napi-v')) : [];
  return napi.map((d) => path.join(lib, d, 'tfjs_binding.node')).find((f) => existsSync(f));
}

/** tfjs-node(-gpu) registers the 'tensorflow' backend when its native binding loads. */
function nodeLoader(device: string, pkg: string, hint: string): BackendLoader {
  return async () => {
    // Check first: a failed require leaves half its kernels registered.
    if (!nativeBinding(pkg)) {
      throw new BackendUnavailableError(device, `${pkg} is not installed with its native library`, hint);
    }
    try {
      require(pkg);
    } catch (e) {
      throw new BackendUnavailableError(device, `${pkg} did not load (${message(e)})`, hint);
    }
    return activate(device, 'tensorflow');
  };
}

const cuda = nodeLoader(
  'cuda',
  '@tensorflow/tfjs-node-gpu',
  'Its installer downloads libtensorflow 2.9 with CUDA (needs CUDA 11.2 and cuDNN 8 on the machine): reinstall ' +
    'it with network access (pnpm rebuild @tensorflow/tfjs-node-gpu); from a mirror, set TFJS_NODE_CDN_STORAGE ' +
    '(a base URL holding tensorflow/libtensorflow/…) or put the archive\'s URL as "tf-lib" in the package\'s ' +
    'scripts/custom-binary.json, then rebuild. Or use MODEL.DEVICE webgpu (NVIDIA GPUs through Vulkan, no CUDA ' +
    'toolkit) or cpu.',
);

const tfjsNode = nodeLoader(
  'cpu',
  '@tensorflow/tfjs-node',
  'Its installer downloads libtensorflow; reinstall it with network access (pnpm rebuild @tensorflow/tfjs-node).',
);

async function wasm(): Promise<LoadedBackend> {
  try {
    require('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    throw new BackendUnavailableError('wasm', `@tensorflow/tfjs-backend-wasm did not load (${message(e)})`);
  }
  return activate('wasm', 'wasm');
}

async function js(): Promise<LoadedBackend> {
  require('@tensorflow/tfjs-backend-cpu');
  return activate('js', 'cpu');
}

interface WebGpuModule {
  create(flags: string[]): { requestAdapter(options?: object): Promise<GpuAdapterLike | null> };
  globals: Record<string, unknown>;
}

/**
 * The Dawn instance's adapter, opened once per process and shared by every copy of this module (two installed
 * copies, or a test runner's fresh module registry per file): tfjs's webgpu backend keeps the device it made
 * from navigator.gpu, and a second instance replacing the first lets the first be collected under that device
 * (Dawn aborts the process).
 */
const DAWN = Symbol.for('ssd-ts.webgpu.dawn');
type DawnState = { adapter: GpuAdapterDescription };
const processWide = globalThis as { [DAWN]?: Promise<DawnState> };

async function openDawn(): Promise<DawnState> {
  let mod: WebGpuModule;
  try {
    // The package's entry is ESM; its native Dawn binding is what we need, and it loads from CommonJS
    // on every Node version we support.
    const dir = path.dirname(require.resolve('webgpu/package.json'));
    const arch = process.platform === 'darwin' ? 'universal' : process.arch;
    mod = require(path.join(dir, 'dist', `${process.platform}-${arch}`, 'dawn.node')) as WebGpuModule;
  } catch (e) {
    throw new BackendUnavailableError('webgpu', `the 'webgpu' package (Dawn) did not load (${message(e)})`);
  }
  // tfjs-backend-webgpu looks for navigator.gpu and the GPU* constants, as in a browser.
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new BackendUnavailableError(
      'webgpu',
      'no WebGPU adapter was found (Dawn needs a GPU with a Vulkan driver and libvulkan.so.1 on Linux)',
    );
  }
  const nav = (globalThis as unknown as { navigator?: Record<string, unknown> }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  return { adapter: describeAdapter(adapter) };
}

/**
 * The WebGPU adapter Dawn (the `webgpu` package) finds here, without making a tfjs backend: what ONNX Runtime's
 * own Dawn will find too. Throws BackendUnavailableError when the package is missing or there is no adapter.
 */
export async function findWebGpuAdapter(): Promise<GpuAdapterDescription> {
  processWide[DAWN] ??= openDawn().catch((e: unknown) => {
    // No adapter now may be one later (a driver installed): do not keep the failure.
    delete processWide[DAWN];
    throw e;
  });
  return (await processWide[DAWN]).adapter;
}

async function webgpu(options: { hardwareOnly?: boolean } = {}): Promise<LoadedBackend> {
  const adapter = await findWebGpuAdapter();
  if (options.hardwareOnly && adapter.software) {
    throw new BackendUnavailableError('webgpu', `only a software adapter was found (${adapter.name})`);
  }
  try {
    // An optional peer, like 'webgpu': inference-only installs leave both out.
    require('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    throw new BackendUnavailableError(
      'webgpu',
      `@tensorflow/tfjs-backend-webgpu did not load (${message(e)}); install it beside 'webgpu'`,
    );
  }
  return { ...(await activate('webgpu', 'webgpu')), adapter };
}

/** cpu: native TensorFlow when its library is installed, else WebAssembly. */
async function cpu(): Promise<LoadedBackend> {
  try {
    return await tfjsNode();
  } catch {
    return wasm();
  }
}

/**
 * Whether this machine shows a GPU device node: a hardware adapter needs one, so auto skips WebGPU without
 * one (a software adapter would be slower than wasm).
 */
export function hasGpuDevice(): boolean {
  if (process.platform !== 'linux') return true;
  if (existsSync('/dev/nvidia0')) return true;
  try {
    return readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
  } catch {
    return false;
  }
}

/** The loader for each explicit MODEL.DEVICE value. */
export const BACKEND_LOADERS: Readonly<Record<'cuda' | 'webgpu' | 'cpu' | 'wasm' | 'js', BackendLoader>> = {
  cuda,
  webgpu,
  cpu,
  wasm,
  js,
};
