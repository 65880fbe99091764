/**
 * Starts the backends the webgpu kernel tests compare, without @ssd/engine (which depends on this package):
 * the pure-JS one, and webgpu on the 'webgpu' package's Dawn, which gives Node the browser's navigator.gpu.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

interface Dawn {
  create(flags: string[]): unknown;
  globals: Record<string, unknown>;
}

/**
 * One Dawn instance per process, shared by every test file's module registry: a second one replacing the
 * first lets the first be collected under the device tfjs keeps (Dawn then aborts the process).
 */
const DAWN = Symbol.for('@ssd/kernels.test.dawn');

function navigatorGpu(): unknown {
  const store = globalThis as { [DAWN]?: unknown };
  if (store[DAWN] === undefined) {
    const dir = path.dirname(require.resolve('webgpu/package.json'));
    const arch = process.platform === 'darwin' ? 'universal' : process.arch;
    const dawn = require(path.join(dir, 'dist', `${process.platform}-${arch}`, 'dawn.node')) as Dawn;
    Object.assign(globalThis, dawn.globals);
    store[DAWN] = dawn.create([]);
  }
  return store[DAWN];
}

/** Makes `device` the current backend ('js': tfjs's pure-JS 'cpu'). */
export async function initBackend(device: 'js' | 'webgpu'): Promise<void> {
  if (device === 'webgpu') {
    const gpu = navigatorGpu();
    const nav = (globalThis as { navigator?: object }).navigator;
    if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
    require('@tensorflow/tfjs-backend-webgpu');
  }
  const name = device === 'js' ? 'cpu' : 'webgpu';
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} did not start`);
}
