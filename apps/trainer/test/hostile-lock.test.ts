import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { Checkpointer, loadTrainingCheckpoint } from '@ssd/engine';
import { toyConfig, writeToyProject } from '@ssd-test/custom-backbone';
import { train } from '../src';
import { LOCK_FILE, lockOutputDir } from '../src/train/output-lock';

// The hostile-input suite for the OUTPUT_DIR lock under PID reuse: a killed trainer's lock is always taken
// over (its pid now another process, PID 1 of a new pid namespace, a reboot since), and two live trainers
// still exclude each other.

const dir = () => mkdtempSync(path.join(tmpdir(), 'ssd-hostile-lock-'));
const HELPERS = path.join(__dirname, 'helpers');

/** What this process's lock file says (boot id and start time included, on Linux). */
function ownLock(): { pid: number; host: string; started: string; boot?: string; pidStart?: string } {
  const out = dir();
  const lock = lockOutputDir(out, () => {});
  const content = JSON.parse(readFileSync(path.join(out, LOCK_FILE), 'utf8'));
  lock.release();
  return content;
}

const linux = existsSync('/proc/self/stat');

describe('a lock whose pid was reused', () => {
  (linux ? it : it.skip)("records the boot id and the holder's start time beside its pid", () => {
    expect(ownLock()).toEqual({
      pid: process.pid,
      host: hostname(),
      started: expect.any(String),
      boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
      pidStart: expect.stringMatching(/^\d+$/),
    });
  });

  (linux ? it : it.skip)('is taken over when its pid now names another process (a later start time)', () => {
    const out = dir();
    const reused = { ...ownLock(), pidStart: '1' };
    writeFileSync(path.join(out, LOCK_FILE), JSON.stringify(reused));
    const lines: string[] = [];
    lockOutputDir(out, (l) => lines.push(l)).release();
    expect(lines).toEqual([
      `Removing the stale lock ${path.join(out, LOCK_FILE)} (pid ${process.pid} on ${hostname()}, since ${reused.started}: pid ${process.pid} is now another process, started after the lock was taken)`,
    ]);
  });

  (linux ? it : it.skip)('is taken over when the machine has restarted since it was taken', () => {
    const out = dir();
    const before = { ...ownLock(), boot: '00000000-0000-0000-0000-000000000000' };
    writeFileSync(path.join(out, LOCK_FILE), JSON.stringify(before));
    const lines: string[] = [];
    lockOutputDir(out, (l) => lines.push(l)).release();
    expect(lines).toEqual([expect.stringMatching(/: the machine has restarted since\)$/)]);
  });

  it('is kept while its own process still runs, start time and all', () => {
    const out = dir();
    const lock = lockOutputDir(out, () => {});
    try {
      expect(() => lockOutputDir(out, () => {})).toThrow(
        `another training run uses OUTPUT_DIR ${out} (pid ${process.pid}`,
      );
    } finally {
      lock.release();
    }
  });
});

/** Starts a lock holder on `out`; resolves once it holds the lock, or with its refusal. */
function holder(out: string): Promise<{ child: ChildProcess; locked: boolean; stderr: string }> {
  const child = spawn(process.execPath, [path.join(HELPERS, 'lock-holder.js'), out], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) resolve({ child, locked: true, stderr });
    });
    child.once('exit', () => resolve({ child, locked: false, stderr }));
  });
}

describe('live trainers', () => {
  it('exclude each other across processes; the second takes the lock once the first is done', async () => {
    const data = await writeToyProject();
    const out = dir();
    const first = await holder(out);
    expect(first.locked).toBe(true);
    const second = await holder(out);
    expect(second.locked).toBe(false);
    const held = `another training run uses OUTPUT_DIR ${out} (pid ${first.child.pid} on ${hostname()}`;
    expect(second.stderr).toContain(held);
    // A whole training run too, before it touches anything there.
    await expect(train(toyConfig(data, [], out), { log: () => {}, progress: false })).rejects.toThrow(held);
    first.child.stdin!.end();
    await new Promise((r) => first.child.once('exit', r));
    const third = await holder(out);
    expect(third.locked).toBe(true);
    third.child.stdin!.end();
    await new Promise((r) => third.child.once('exit', r));
    expect(readdirSync(out)).toEqual([]);
  });
});

// A trainer that is PID 1 of its container, killed (the OOM killer sends SIGKILL), is PID 1 again after the
// restart: its lock named "pid 1", which is alive (itself), and no run could resume.
const UNSHARE = ['--pid', '--fork', '--mount-proc'];
const probe = spawnSync('unshare', [...UNSHARE, 'true'], { encoding: 'utf8' });
const unshareWhy =
  probe.error?.message ?? (probe.status === 0 ? undefined : probe.stderr.trim() || `exit ${probe.status}`);
const pid1Test = unshareWhy
  ? it.skip.bind(
      it,
      `(skipped: \`unshare ${UNSHARE.join(' ')}\` is not permitted here (it needs root): ${unshareWhy})`,
    )
  : it.bind(it, 'a trainer killed as PID 1 of a new pid namespace resumes as PID 1 of the next');

async function waitFor(file: string, child: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!existsSync(file)) {
    if (child.exitCode !== null) throw new Error(`child exited (${child.exitCode}) before freezing`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${file}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The pid (in this namespace) of the process `unshare --fork` started: the new namespace's PID 1. */
function namespaceInit(unsharePid: number): number {
  const children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim();
  return Number(children.split(' ')[0]);
}

pid1Test(async () => {
  const data = await writeToyProject();
  const out = dir();
  const crashChild = path.join(HELPERS, 'crash-child.js');
  // Freezes while writing its second checkpoint (after model_000003 is complete), as PID 1.
  // unshare's own complaint when its child is killed ("sigprocmask unblock failed") is not the test's concern.
  const first = spawn('unshare', [...UNSHARE, process.execPath, crashChild, data.configFile, out, '2'], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  await waitFor(path.join(out, 'FROZEN'), first, 90_000);
  const lock = JSON.parse(readFileSync(path.join(out, LOCK_FILE), 'utf8'));
  expect(lock.pid).toBe(1);
  process.kill(namespaceInit(first.pid!), 'SIGKILL');
  await new Promise((r) => first.once('exit', r));

  // The next run is PID 1 too: it must see that "pid 1" is no longer the run that took the lock.
  const second = spawnSync(
    'unshare',
    [...UNSHARE, process.execPath, crashChild, data.configFile, out, '99'],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  expect(second.stderr).not.toContain('another training run uses OUTPUT_DIR');
  expect(second.status).toBe(0);
  const pointed = new Checkpointer(out).lastCheckpoint()!;
  expect(path.basename(pointed)).toBe('model_final.safetensors');
  expect(loadTrainingCheckpoint(pointed).iteration).toBeGreaterThan(3);
  expect(readdirSync(out).filter((f) => f.endsWith('.tmp') || f === LOCK_FILE)).toEqual([]);
});
