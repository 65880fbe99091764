import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeToyProject } from '@ssd-test/custom-backbone';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'apps/cli/dist/bin.js');
// A backbone from a package of its own, loaded with --require as a user's plugin would be.
const PLUGIN = require.resolve('@ssd-test/custom-backbone');

let configFile: string;
let outputDir: string;

beforeAll(async () => {
  ({ configFile, outputDir } = await writeToyProject());
});

describe('ssd train', () => {
  it('saves a checkpoint and exits cleanly on Ctrl-C; the same command then resumes', async () => {
    const args = [BIN, '--require', PLUGIN, 'train', '--config-file', configFile, '--log_step', '1'];
    const child = spawn(process.execPath, args, { cwd: ROOT });
    let out = '';
    let interrupted = false;
    child.stdout.on('data', (d) => {
      out += d;
      if (!interrupted && /iter: 000003/.test(out)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(out).toContain('Interrupted: saving a checkpoint');
    const stopped = /Training stopped at iteration (\d+); run the same command to resume/.exec(out);
    expect(stopped).not.toBeNull();
    const pointer = readFileSync(path.join(outputDir, 'last_checkpoint'), 'utf8').trim();
    expect(pointer).toBe(`model_${stopped![1]!.padStart(6, '0')}.safetensors`);

    const again = spawnSync(process.execPath, [...args, 'SOLVER.MAX_ITER', String(Number(stopped![1]) + 2)], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(
      `Resuming from ${path.join(outputDir, pointer)} at iteration ${stopped![1]}`,
    );
    expect(existsSync(path.join(outputDir, 'model_final.safetensors'))).toBe(true);
  });

  it('stops before training on a wrong config key, naming it', () => {
    const r = spawnSync(process.execPath, [BIN, 'train', '--config-file', configFile, 'SOLVER.LRR', '0.1'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("unknown config key 'SOLVER.LRR'");
    expect(r.stdout).not.toContain('iter:');
  });

  it('names an unknown backbone and lists the registered ones', () => {
    const r = spawnSync(process.execPath, [BIN, 'train', '--config-file', configFile], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/toy_backbone/);
    expect(r.stderr).toMatch(/mobilenet_v2/);
  });
});
