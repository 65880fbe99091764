import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkerPool } from '../src';

/** A worker script (built JS, as the pool runs) serving tasks with `body`, set up by `setup`. */
function workerScript(setup: string, body: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssd-pool-')), 'worker.js');
  const dist = path.resolve(__dirname, '..', 'dist', 'index.js');
  writeFileSync(
    file,
    `const { workerData } = require('node:worker_threads');
const { serveTasks } = require(${JSON.stringify(dist)});
serveTasks(async () => { ${setup}; return async (task) => { ${body} }; });
`,
  );
  return file;
}

const options = (file: string) => ({
  file,
  builtBy: 'the test',
  workerData: (i: number) => ({ rank: i + 1 }),
  name: (i: number) => `test worker ${i + 1}`,
});

test('runs tasks on any worker or on a given one, each started with its own data', async () => {
  const pool = await WorkerPool.start<number, [number, number]>(
    3,
    options(workerScript('', 'return [workerData.rank, task * 2];')),
  );
  try {
    expect(await Promise.all([0, 1, 2].map((i) => pool.runOn(i, i + 10)))).toEqual([
      [1, 20],
      [2, 22],
      [3, 24],
    ]);
    const anywhere = await Promise.all([1, 2, 3, 4, 5, 6].map((t) => pool.run(t)));
    expect(anywhere.map(([, doubled]) => doubled)).toEqual([2, 4, 6, 8, 10, 12]);
    // One task each, least loaded first: the first three go to three different workers.
    expect(new Set(anywhere.slice(0, 3).map(([rank]) => rank)).size).toBe(3);
  } finally {
    await pool.close();
  }
});

test("a task's error rejects that task only", async () => {
  const pool = await WorkerPool.start<number, number>(
    1,
    options(workerScript('', "if (task < 0) throw new Error('negative ' + task); return task;")),
  );
  try {
    await expect(pool.run(-1)).rejects.toThrow('negative -1');
    expect(await pool.run(5)).toBe(5);
  } finally {
    await pool.close();
  }
});

test('a worker that cannot set itself up stops the start, naming it', async () => {
  const file = workerScript("if (workerData.rank === 2) throw new Error('no model')", 'return task;');
  await expect(WorkerPool.start(2, options(file))).rejects.toThrow('test worker 2: no model');
});

test('a worker that dies fails every pending and later task', async () => {
  const pool = await WorkerPool.start<number, number>(
    2,
    options(workerScript('', 'if (task === 0) process.exit(3); return new Promise(() => {});')),
  );
  const pending = pool.runOn(1, 1);
  await expect(pool.runOn(0, 0)).rejects.toThrow('test worker 1 exited with code 3');
  await expect(pending).rejects.toThrow('test worker 1 exited with code 3');
  await expect(pool.run(2)).rejects.toThrow('test worker 1 exited with code 3');
  await pool.close();
});

test('a missing worker script names the package to build', async () => {
  await expect(WorkerPool.start(1, options('/nonexistent/worker.js'))).rejects.toThrow(
    'worker script /nonexistent/worker.js is missing: build the test first',
  );
});
