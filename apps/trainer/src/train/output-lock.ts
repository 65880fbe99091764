import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { removeLeftoverTempFiles } from '@ssd/engine';

/**
 * Who holds an OUTPUT_DIR: what the lock file says. A pid alone names a process only until it is reused (a
 * trainer that was PID 1 of its container is PID 1 again after a restart; pids come round again after a
 * reboot), so on Linux the lock also records the machine's boot id and the process's start time.
 */
interface LockHolder {
  pid: number;
  host: string;
  started: string;
  /** /proc/sys/kernel/random/boot_id when the lock was taken (Linux). */
  boot?: string;
  /** The holder's start time in clock ticks after boot, /proc/<pid>/stat field 22 (Linux). */
  pidStart?: string;
}

/** A held OUTPUT_DIR lock. */
export interface OutputLock {
  readonly file: string;
  /** Removes the lock file, if it is still ours. */
  release(): void;
}

/** The lock file's name inside OUTPUT_DIR. */
export const LOCK_FILE = 'train.lock';

function readHolder(file: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (Number.isSafeInteger(holder.pid) && typeof holder.host === 'string') return holder as LockHolder;
  } catch {
    // Unreadable or half-written: judged below by the caller.
  }
  return undefined;
}

/** Whether process `pid` exists on this machine (EPERM: it does, under another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This boot of the machine (Linux), or undefined where it cannot be told. */
function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** When process `pid` started, in clock ticks after boot (Linux), or undefined where it cannot be told. */
function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces or ')': count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Why the lock of `holder` (on this host) is stale, or undefined when its process still runs. */
function staleReason(holder: LockHolder): string | undefined {
  const boot = bootId();
  if (holder.boot && boot && holder.boot !== boot) return 'the machine has restarted since';
  if (!isRunning(holder.pid)) return 'that process is gone';
  const start = startTicks(holder.pid);
  if (holder.pidStart && start && holder.pidStart !== start) {
    return `pid ${holder.pid} is now another process, started after the lock was taken`;
  }
  return undefined;
}

/**
 * Takes the lock of `dir` for one training run: `dir/train.lock`, created exclusively, holding the
 * pid and host (and, on Linux, the boot id and the process's start time). A lock whose process is gone
 * from this host (a crash, SIGKILL) is stale, and so is one whose pid now names another process (the
 * start time differs: PID 1 of a restarted container, a pid reused after a reboot): it is removed,
 * saying so through `log`. A live holder, or one on another host (which cannot be checked), makes this
 * throw a message naming the lock file and the holder.
 */
export function lockOutputDir(dir: string, log: (line: string) => void): OutputLock {
  const unwritable = (e: unknown) =>
    new Error(`OUTPUT_DIR '${dir}' is not writable: ${(e as Error).message}`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw unwritable(e);
  }
  const file = path.join(dir, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    boot: bootId(),
    pidStart: startTicks(process.pid),
  };
  const content = `${JSON.stringify(me)}\n`;
  // Two tries: the second follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, content, { flag: 'wx' });
      return {
        file,
        release: () => {
          if (readHolder(file)?.pid === me.pid) rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw unwritable(e);
    }
    const holder = readHolder(file);
    if (!holder) {
      // Its writer died between creating and filling it, or it is not ours: never silently taken.
      throw new Error(
        `${file} exists but is not a valid lock; if no training runs in ${dir}, delete it and start again`,
      );
    }
    const who = `pid ${holder.pid} on ${holder.host}, since ${holder.started}`;
    const stale = holder.host === me.host ? staleReason(holder) : undefined;
    if (!stale) {
      throw new Error(
        `another training run uses OUTPUT_DIR ${dir} (${who}; lock ${file}); ` +
          'wait for it, or choose another OUTPUT_DIR. If that run is gone, delete the lock file',
      );
    }
    log(`Removing the stale lock ${file} (${who}: ${stale})`);
    rmSync(file, { force: true });
  }
  throw new Error(`another training run took the lock ${file} at the same moment`);
}

/**
 * Runs `run` holding `dir`'s lock, after deleting the temporary files that killed checkpoint writes
 * left there; the lock is released however `run` ends.
 */
export async function withOutputLock<T>(
  dir: string,
  log: (line: string) => void,
  run: () => Promise<T>,
): Promise<T> {
  const lock = lockOutputDir(dir, log);
  try {
    const leftovers = removeLeftoverTempFiles(dir);
    if (leftovers.length)
      log(`Removed ${leftovers.length} unfinished write(s) of an earlier run: ${leftovers.join(', ')}`);
    return await run();
  } finally {
    lock.release();
  }
}
