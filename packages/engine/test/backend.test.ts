import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, initBackend, runBackendCheck } from '../src';
import { webgpuAdapterFound } from './helpers/webgpu-adapter';

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

  it('auto picks a backend that loads, computes correctly and logs the choice', async () => {
    const lines: string[] = [];
    const check = await runBackendCheck('auto', (l) => lines.push(l));
    expect(check.checksum).toBe(EXPECTED_CHECKSUM);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('MODEL.DEVICE auto');
    expect(lines[0]).toContain(`'${check.backend}'`);
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

  // Decided by Dawn itself: a machine without a GPU device node can still have an adapter (Mesa's software
  // Vulkan driver), and the parity test then runs on it.
  const noAdapter = webgpuAdapterFound() ? it.skip : it;
  noAdapter('webgpu reports that no adapter was found where Dawn finds none', async () => {
    await expect(initBackend('webgpu', () => {})).rejects.toThrow(/no WebGPU adapter was found/);
  });
});
