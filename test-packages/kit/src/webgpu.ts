/**
 * Whether this machine gives Dawn a WebGPU adapter (a GPU, or Mesa's software Vulkan driver in CI), probed
 * once in a child process so that test files can choose `describe` or `describe.skip` when they load: a
 * driver present or absent changes which tests run, never whether they pass.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

const PROBE = `
const path = require('node:path');
const dir = path.dirname(require.resolve('webgpu/package.json'));
const arch = process.platform === 'darwin' ? 'universal' : process.arch;
const dawn = require(path.join(dir, 'dist', process.platform + '-' + arch, 'dawn.node'));
Object.assign(globalThis, dawn.globals);
dawn.create([]).requestAdapter({ powerPreference: 'high-performance' }).then(
  (a) => {
    if (!a) process.exit(1);
    // The info's fields are getters: copy them (JSON.stringify sees none).
    const { vendor, architecture, device, description } = a.info;
    process.stdout.write(JSON.stringify({ info: { vendor, architecture, device, description }, isFallbackAdapter: a.isFallbackAdapter }));
    process.exit(0);
  },
  () => process.exit(1),
);
`;

/** What the probe saw of the adapter, in the shape `describeAdapter` of @ssd/engine takes. */
export interface ProbedAdapter {
  info: { vendor: string; architecture: string; device: string; description: string };
  isFallbackAdapter: boolean;
  features: Set<string>;
}

/** Dawn's Vulkan loader wants a runtime directory; give it one where the environment has none. */
export function ensureRuntimeDir(): void {
  if (process.env.XDG_RUNTIME_DIR) return;
  const dir = path.join(tmpdir(), `ssd-xdg-${process.getuid?.() ?? 0}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  process.env.XDG_RUNTIME_DIR = dir;
}

let probed: ProbedAdapter | null | undefined;

/** The WebGPU adapter available here (features not probed), or null. */
export function probeWebGpuAdapter(): ProbedAdapter | null {
  if (probed === undefined) {
    ensureRuntimeDir();
    const r = spawnSync(process.execPath, ['-e', PROBE], {
      cwd: __dirname,
      timeout: 60_000,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    probed = r.status === 0 ? { ...JSON.parse(r.stdout), features: new Set<string>() } : null;
  }
  return probed ?? null;
}

/** True when a WebGPU adapter is available here. */
export function hasWebGpu(): boolean {
  return probeWebGpuAdapter() !== null;
}

/** `describe` where a WebGPU adapter exists, `describe.skip` elsewhere. */
export const describeWebGpu: jest.Describe = hasWebGpu() ? describe : describe.skip;

let fresh = false;

/**
 * Makes webgpu the backend through `initBackend` (@ssd/engine's, passed in: the kit depends on no package of
 * the workspace). The first call in a test file starts a new webgpu backend: test files share one tfjs engine
 * but each loads its own copy of tfjs-backend-webgpu, and a backend made by an earlier file's copy hangs when
 * this file's kernels drive it.
 */
export async function useWebGpu<T>(
  initBackend: (device: 'webgpu', log: (line: string) => void) => Promise<T>,
): Promise<T> {
  if (!fresh && tf.findBackend('webgpu')) tf.removeBackend('webgpu');
  fresh = true;
  return initBackend('webgpu', () => {});
}
