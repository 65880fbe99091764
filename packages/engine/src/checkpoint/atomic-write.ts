import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** The temporary file `writeFileAtomic` writes `file`'s new content to; the pid tells concurrent writers apart. */
function tempFileOf(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
}

/** Matches the names `tempFileOf` gives. */
const TEMP_FILE = /^\..+\.\d+\.tmp$/;

/**
 * Writes `file` so that it is either the old content or the complete new one, never half:
 * the bytes go to a temporary file beside it, are flushed to disk, then renamed over it.
 * Errors (a full disk, say) name `file` and leave no temporary file behind.
 */
export function writeFileAtomic(file: string, chunks: readonly Uint8Array[] | string): void {
  const tmp = tempFileOf(file);
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (const chunk of typeof chunks === 'string' ? [Buffer.from(chunks)] : chunks) {
        let offset = 0;
        while (offset < chunk.byteLength) offset += writeSync(fd, chunk, offset, chunk.byteLength - offset);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Error(`cannot write ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Deletes the temporary files that writes killed midway (a crash, SIGKILL) left in `dir`, each as
 * large as the checkpoint it was becoming; returns their names. Only safe while nobody else writes
 * there, i.e. under the OUTPUT_DIR lock.
 */
export function removeLeftoverTempFiles(dir: string): string[] {
  const names = readdirSync(dir).filter((name) => TEMP_FILE.test(name));
  for (const name of names) rmSync(path.join(dir, name), { force: true });
  return names;
}
