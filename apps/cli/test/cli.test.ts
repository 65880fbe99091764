import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { hasWebGpu } from '@ssd-test/kit';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'apps/cli/dist/bin.js');
const VGG = path.join(ROOT, 'configs/vgg_ssd300_voc0712.yaml');

function ssd(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('ssd config', () => {
  it('prints the merged config with the override applied', () => {
    const r = ssd('config', '--config-file', VGG, 'SOLVER.LR', '0.01');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^SOLVER:\n(?: {2}.*\n)*? {2}LR: 0\.01$/m);
    expect(r.out).toContain('OUTPUT_DIR: outputs/vgg_ssd300_voc0712');
  });

  it('exits non-zero naming an unknown key', () => {
    const r = ssd('config', '--config-file', VGG, 'SOLVER.LRR', '0.01');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("unknown config key 'SOLVER.LRR'");
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('exits non-zero naming a key with a wrong type', () => {
    const r = ssd('config', '--config-file', VGG, 'SOLVER.LR', 'abc');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("'SOLVER.LR'");
  });

  it('exits non-zero naming a missing config file', () => {
    const r = ssd('config', '--config-file', 'nope.yaml');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('nope.yaml');
  });
});

describe('ssd', () => {
  it('--help lists the commands', () => {
    const r = ssd('--help');
    expect(r.code).toBe(0);
    for (const c of ['config', 'train', 'test', 'demo', 'dataset', 'backend']) expect(r.out).toContain(c);
  });

  it('backend runs a computation and names the backend; the same for ONNX Runtime’s providers', () => {
    const r = ssd('backend', '--device', 'js');
    expect(r.code).toBe(0);
    expect(r.out).toContain("backend 'cpu'");
    expect(r.out).toContain('checksum 8355840');
    expect(r.out).toContain('ONNX Runtime 1.30.0 (.onnx models):');
    expect(r.out).toMatch(/^ {2}cpu: available, 256×256 matmul checksum 8355840 in /m);
    // WebGPU: available wherever Dawn finds an adapter (Mesa's software one in CI), else it says why not.
    expect(r.out).toMatch(
      hasWebGpu()
        ? /^ {2}webgpu: available on (GPU|software adapter) '.+', 256×256 matmul checksum 8355840 in /m
        : /^ {2}webgpu: not available: /m,
    );
    expect(r.out).toContain("MODEL.DEVICE js runs .onnx models on ONNX Runtime's cpu execution provider");
  });

  it('an unknown command fails', () => {
    expect(ssd('bogus').code).not.toBe(0);
  });
});
