import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { writeToyProject } from '@ssd-test/custom-backbone';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'apps/cli/dist/bin.js');
// A backbone from a package of its own, loaded with --require as a user's plugin would be.
const PLUGIN = require.resolve('@ssd-test/custom-backbone');

describe('ssd train on worker threads', () => {
  it('loads the --require plugins in the workers and says how each batch runs', async () => {
    const project = await writeToyProject();
    const r = spawnSync(
      process.execPath,
      [
        ...[BIN, '--require', PLUGIN, 'train', '--config-file', project.configFile, '--skip-test'],
        ...['SOLVER.MAX_ITER', '2', 'SOLVER.BATCH_SIZE', '4', 'SOLVER.TRAIN_WORKERS', '2'],
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('SOLVER.BATCH_SIZE: batch 4 runs as 2 workers of 2 images on cpu');
    expect(r.stdout).toContain('Training finished at iteration 2');
  });
});
