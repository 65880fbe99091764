import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, hasGpuDevice, initBackend, runBackendCheck } from '../src';

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

  const noGpu = hasGpuDevice() ? it.skip : it;
  noGpu('webgpu reports that no adapter was found on a machine without a GPU', async () => {
    await expect(initBackend('webgpu', () => {})).rejects.toThrow(/no WebGPU adapter was found/);
  });
});
