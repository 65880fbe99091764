/** Whether WebGPU can run here, known before tests are declared (jest cannot skip a test from an async hook). */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

/**
 * Whether Dawn (the `webgpu` package) finds an adapter, asked in a child process: a machine without a GPU
 * device node may still have one (Mesa's software Vulkan driver). Dawn wants XDG_RUNTIME_DIR; when it is
 * unset a private one is made and set for this process too, so that Dawn here sees what the child saw.
 */
export function webgpuAdapterFound(): boolean {
  if (!process.env.XDG_RUNTIME_DIR) {
    const dir = path.join(tmpdir(), `xdg-${userInfo().username}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = dir;
  }
  const probe = `
    const path = require('node:path');
    const dir = path.dirname(require.resolve('webgpu/package.json', { paths: [${JSON.stringify(__dirname)}] }));
    const arch = process.platform === 'darwin' ? 'universal' : process.arch;
    const dawn = require(path.join(dir, 'dist', process.platform + '-' + arch, 'dawn.node'));
    dawn.create([]).requestAdapter().then((a) => process.exit(a ? 0 : 3), () => process.exit(4));`;
  return spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore', timeout: 60000 }).status === 0;
}
