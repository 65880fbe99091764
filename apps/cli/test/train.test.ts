import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
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
    expect(r.stderr).toContain(
      'a backbone from a plug-in package must be loaded first: ssd --require <package> <command> …',
    );
    expect(r.stdout).not.toContain('iter:');
  });
});

describe('ssd train --skip-test', () => {
  it('evaluates at --eval_step but not at the end', async () => {
    const project = await writeToyProject();
    const r = spawnSync(
      process.execPath,
      [
        ...[BIN, '--require', PLUGIN, 'train', '--config-file', project.configFile],
        ...['--eval_step', '2', '--skip-test', 'SOLVER.MAX_ITER', '3'],
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Training finished at iteration 3');
    const evals = readFileSync(path.join(project.outputDir, 'metrics.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((record) => record.type === 'eval');
    expect(evals.map((e) => e.iter)).toEqual([2]);
  });
});

describe('ssd test --output_dir', () => {
  it('writes the metrics there instead of OUTPUT_DIR/inference', async () => {
    const project = await writeToyProject();
    const trained = spawnSync(
      process.execPath,
      [BIN, '--require', PLUGIN, 'train', '--config-file', project.configFile, 'SOLVER.MAX_ITER', '2'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(trained.status).toBe(0);
    // Training evaluated at its end; only a fresh evaluation may write there now.
    rmSync(path.join(project.outputDir, 'inference'), { recursive: true });
    const results = path.join(project.dir, 'results');
    const r = spawnSync(
      process.execPath,
      [BIN, '--require', PLUGIN, 'test', '--config-file', project.configFile, '--output_dir', results],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Metrics written under ${results}`);
    const metrics = JSON.parse(readFileSync(path.join(results, 'toy_test', 'metrics.json'), 'utf8'));
    expect(metrics).toHaveProperty('mAP');
    expect(existsSync(path.join(project.outputDir, 'inference'))).toBe(false);
  });
});
