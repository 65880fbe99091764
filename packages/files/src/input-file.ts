import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** Options of {@link readInputFile}. */
export interface InputFileOptions {
  /** The most bytes the file may hold; a larger one is refused before any byte is read. */
  maxBytes?: number;
  /** What the file is, for the size message ("config file", "image"). */
  what?: string;
}

/**
 * An input file that cannot be read: `file` names it, `reason` says why (without the name, for callers that
 * prefix the file themselves), `message` is both.
 */
export class InputFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly code?: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'InputFileError';
  }
}

// O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer, forever. Regular files ignore it.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** What a file that is not a regular one is, in words. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a plain file';
}

/** Why a file whose open or read failed cannot be read, without its name (Node's messages repeat the path). */
function failure(file: string, e: unknown): InputFileError {
  const err = e as NodeJS.ErrnoException;
  if (err instanceof InputFileError) return err;
  if (err.code === 'ENXIO') {
    // What a socket answers to open(): say what it is.
    try {
      const stats = statSync(file);
      if (!stats.isFile())
        return new InputFileError(file, `is ${kindOf(stats)}, not a regular file`, 'ENOTREG');
    } catch {
      // Gone meanwhile: the open's own error below.
    }
  }
  const reason =
    err.code === 'ENOENT'
      ? 'does not exist'
      : err.code === 'EACCES' || err.code === 'EPERM'
        ? 'cannot be read (permission denied)'
        : err.code === 'EISDIR'
          ? 'is a folder, not a file'
          : `cannot be read (${err.code ?? err.message})`;
  return new InputFileError(file, reason, err.code);
}

/** Refuses what is not a regular file, or is larger than `options.maxBytes`; returns its size. */
function checkStats(file: string, stats: Stats, options: InputFileOptions): number {
  if (!stats.isFile()) {
    throw new InputFileError(file, `is ${kindOf(stats)}, not a regular file`, 'ENOTREG');
  }
  const max = options.maxBytes ?? Number.POSITIVE_INFINITY;
  if (stats.size > max) {
    throw new InputFileError(
      file,
      `is ${stats.size} bytes, more than the ${max} allowed${options.what ? ` for a ${options.what}` : ''}`,
      'EFBIG',
    );
  }
  return stats.size;
}

/**
 * Opens `file` for reading if it is a regular file (links followed) of at most `options.maxBytes`: a folder,
 * FIFO, socket or device is refused by name without blocking, and the check is made on the opened file, so it
 * cannot be swapped between check and read. The caller closes the descriptor.
 */
export function openInputFile(file: string, options: InputFileOptions = {}): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (e) {
    throw failure(file, e);
  }
  try {
    return { fd, size: checkStats(file, fstatSync(fd), options) };
  } catch (e) {
    closeSync(fd);
    throw failure(file, e);
  }
}

/** The bytes of a regular file of at most `options.maxBytes` (see {@link openInputFile}); errors name it. */
export function readInputFile(file: string, options: InputFileOptions = {}): Buffer {
  const { fd, size } = openInputFile(file, options);
  try {
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, out, at, size - at, at);
      if (n === 0) break; // shrank meanwhile: what is there
      at += n;
    }
    return at === size ? out : out.subarray(0, at);
  } catch (e) {
    throw failure(file, e);
  } finally {
    closeSync(fd);
  }
}

/** {@link readInputFile} without blocking the event loop. */
export async function readInputFileAsync(file: string, options: InputFileOptions = {}): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, OPEN_FLAGS);
  } catch (e) {
    throw failure(file, e);
  }
  try {
    const size = checkStats(file, await handle.stat(), options);
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(out, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === size ? out : out.subarray(0, at);
  } catch (e) {
    throw failure(file, e);
  } finally {
    await handle.close();
  }
}
