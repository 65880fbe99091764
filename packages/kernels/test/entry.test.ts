// The package's entry is what @ssd/engine loads for inference: it must not load the training kernels' modules
// (and their optional peers @ssd/onnx, @ssd/solver, @ssd/modeling and @tensorflow/tfjs) until asked to.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ENTRY = path.resolve(__dirname, '..', 'dist', 'index.js');

/** The files of workspace packages and of tfjs that a fresh process has loaded after running `code`. */
function loadedAfter(code: string): string[] {
  const script = `
    const kernels = require(${JSON.stringify(ENTRY)});
    ${code};
    const mine = Object.keys(require.cache).filter((f) => /[\\\\/](packages|@tensorflow)[\\\\/]/.test(f));
    process.stdout.write(JSON.stringify(mine));`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as string[];
}

const TRAINING_ONLY =
  /[\\/](onnx|solver|modeling)[\\/]|@tensorflow[\\/]tfjs[\\/]|[\\/]kernels[\\/]dist[\\/](training|ort|webgpu|gradients)/;

test('the inference entry loads no training module', () => {
  const loaded = loadedAfter(
    "require('@tensorflow/tfjs-backend-cpu'); kernels.registerInferenceKernels('cpu')",
  );
  expect(loaded.some((f) => f.includes(`kernels${path.sep}dist${path.sep}inference`))).toBe(true);
  expect(loaded.filter((f) => TRAINING_ONLY.test(f))).toEqual([]);
});

test('the training kernels load on first use', () => {
  const loaded = loadedAfter(
    "require('@tensorflow/tfjs-backend-cpu'); kernels.registerTrainingKernels('cpu')",
  );
  expect(loaded.filter((f) => TRAINING_ONLY.test(f)).length).toBeGreaterThan(0);
});
