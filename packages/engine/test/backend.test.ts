import { hasWebGpu } from '@ssd-test/kit';
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, describeAdapter, initBackend, runBackendCheck } from '../src';

const EXPECTED_CHECKSUM = (256 * 256 * 255) / 2;

describe('initBackend', () => {
  it.each([
    ['js', 'cpu'],
    ['wasm', 'wasm'],
  ] as const)('MODEL.DEVICE %s runs on tfjs backend %s and computes correctly', async (device, backend) => {
    const lines: string[] = [];
    const check = await runBackendCheck(device, (l) => lines.push(l));
    expect(check.backend).toBe(backend);
    expect(tf.getBackend()).toBe(backend);
    expect(check.checksum).toBe(EXPECTED_CHECKSUM);
    expect(lines.join('\n')).toContain(`'${backend}'`);
  });

  it("MODEL.DEVICE wasm comes with the reference's accurate sums (@ssd/kernels' inference kernels)", async () => {
    await initBackend('wasm', () => {});
    // A squeeze-excitation's spatial mean (150×150, 24 channels of values in [-10, 40)): wasm's own kernel adds
    // them one after another in float32 and misses the exact means by ~3e-6; the cascade by a few ulps.
    let state = 12345;
    const values = Float32Array.from({ length: 150 * 150 * 24 }, () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return 15 + 25 * ((2 * state) / 2 ** 31 - 1);
    });
    const exact = Array.from({ length: 24 }, (_, c) => {
      let sum = 0;
      for (let i = c; i < values.length; i += 24) sum += values[i]!;
      return sum / (150 * 150);
    });
    const means = tf.tidy(() => tf.mean(tf.tensor4d(values, [1, 150, 150, 24]), [1, 2]).dataSync());
    const worst = Math.max(...exact.map((e, c) => Math.abs(means[c]! - e) / Math.abs(e)));
    expect(worst).toBeLessThan(5e-7);
  });

  it('auto picks a backend that loads, computes correctly and logs the choice', async () => {
    const lines: string[] = [];
    const check = await runBackendCheck('auto', (l) => lines.push(l));
    expect(check.checksum).toBe(EXPECTED_CHECKSUM);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('MODEL.DEVICE auto');
    expect(lines[0]).toContain(`'${check.backend}'`);
    // A software WebGPU adapter (Mesa's llvmpipe in CI) is slower than wasm: auto never picks one.
    expect(check.device !== 'webgpu' || !check.adapter?.software).toBe(true);
  });

  it('cuda either loads native TensorFlow or says why and what to do', async () => {
    try {
      const selected = await initBackend('cuda', () => {});
      expect(selected.backend).toBe('tensorflow');
    } catch (e) {
      expect(e).toBeInstanceOf(BackendUnavailableError);
      const msg = (e as Error).message;
      expect(msg).toContain('MODEL.DEVICE cuda is not available');
      expect(msg).toContain('@tensorflow/tfjs-node-gpu');
      expect(msg).toMatch(/MODEL\.DEVICE webgpu/);
    }
  });

  const webgpuCase = hasWebGpu()
    ? 'webgpu loads on the adapter this machine has and names it'
    : 'webgpu says that no adapter was found';
  it(webgpuCase, async () => {
    if (!hasWebGpu()) {
      await expect(initBackend('webgpu', () => {})).rejects.toThrow(/no WebGPU adapter was found/);
      return;
    }
    const lines: string[] = [];
    if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
    const selected = await initBackend('webgpu', (l) => lines.push(l));
    expect(selected.backend).toBe('webgpu');
    expect(selected.adapter!.name).not.toBe('');
    expect(lines[0]).toContain(`'${selected.adapter!.name}'`);
    expect(lines[0]).toMatch(selected.adapter!.software ? /on software adapter/ : /on GPU/);
    await initBackend('js', () => {});
  });
});

describe('describeAdapter', () => {
  const features = new Set(['shader-f16', 'timestamp-query', 'depth-clip-control']);
  it.each([
    [
      'Mesa llvmpipe',
      { vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: 'llvmpipe: Mesa 25.0.7' },
      undefined,
      true,
    ],
    [
      'SwiftShader',
      { vendor: 'google', architecture: '', device: 'SwiftShader Device (Subzero)', description: '' },
      undefined,
      true,
    ],
    ['a fallback adapter', { vendor: 'x', architecture: '', device: 'y', description: 'z' }, true, true],
    [
      'an NVIDIA GPU',
      { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200' },
      false,
      false,
    ],
  ])('tells %s by its driver info', (_name, info, isFallbackAdapter, software) => {
    const d = describeAdapter({ info, isFallbackAdapter, features });
    expect(d.software).toBe(software);
    expect(d.name).not.toBe('');
    expect(d.features).toEqual(['shader-f16', 'timestamp-query']);
  });
});
