import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Checkpointer, loadTrainingCheckpoint } from '@ssd/engine';
import { toyConfig, writeToyProject } from '@ssd-test/custom-backbone';
import { train } from '../src';

const quiet = { log: () => {}, progress: false as const, saveStep: 3, evalStep: 0 };

async function waitFor(file: string, child: ReturnType<typeof spawn>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!existsSync(file)) {
    if (child.exitCode !== null) throw new Error(`child exited (${child.exitCode}) before freezing`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${file}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('a run killed while writing a checkpoint resumes cleanly from the previous one', async () => {
  const data = await writeToyProject();
  const out = mkdtempSync(path.join(tmpdir(), 'ssd-crash-'));
  // Freeze in the second checkpoint write (model_final), after model_000003 is complete.
  const child = spawn(
    process.execPath,
    [path.join(__dirname, 'helpers', 'crash-child.js'), data.configFile, out, '2'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await waitFor(path.join(out, 'FROZEN'), child, 90_000);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));

  // The half-written file is a temporary one; the pointer still names the complete checkpoint.
  expect(readdirSync(out).some((f) => f.endsWith('.tmp'))).toBe(true);
  expect(readdirSync(out)).not.toContain('model_final.safetensors');
  const pointed = new Checkpointer(out).lastCheckpoint()!;
  expect(path.basename(pointed)).toBe('model_000003.safetensors');
  expect(loadTrainingCheckpoint(pointed).iteration).toBe(3);

  const lines: string[] = [];
  const resumed = await train(toyConfig(data, [], out), { ...quiet, log: (l) => lines.push(l) });
  expect(resumed.resumedFrom).toBe(pointed);
  expect(resumed.finished).toBe(true);
  // The killed run's lock and its full-size temporary file are cleaned up, and the log says so.
  expect(lines).toContainEqual(expect.stringMatching(/^Removing the stale lock .*train\.lock \(pid \d+/));
  expect(lines).toContainEqual(
    expect.stringMatching(
      /^Removed 1 unfinished write\(s\) of an earlier run: \.model_final\.safetensors\.\d+\.tmp$/,
    ),
  );
  expect(readdirSync(out).filter((f) => f.endsWith('.tmp') || f === 'train.lock')).toEqual([]);

  const straight = toyConfig(data);
  await train(straight, quiet);
  const a = loadTrainingCheckpoint(new Checkpointer(straight.OUTPUT_DIR).lastCheckpoint()!);
  const b = loadTrainingCheckpoint(new Checkpointer(out).lastCheckpoint()!);
  for (const [key, t] of a.model) expect(Array.from(b.model.get(key)!.data)).toEqual(Array.from(t.data));
});
