/** A checkpoint file's bytes, in Node (the browser's variant, read-file.browser.ts, has no files to read). */
import { InputFileError, readInputFile } from '@ssd/files';
import type { TensorLimit } from './storage-loader';

/**
 * The bytes of `file` (a regular file); with a tensor limit, a file larger than any checkpoint within it (the
 * limit, plus `maxPickleBytes` of pickle and 1 MiB) is refused unread.
 */
export function readCheckpointBytes(
  file: string,
  limit: TensorLimit | undefined,
  maxPickleBytes: number,
): Uint8Array {
  const maxBytes = limit ? limit.bytes + maxPickleBytes + 2 ** 20 : undefined;
  try {
    return readInputFile(file, { maxBytes });
  } catch (e) {
    if (e instanceof InputFileError && e.code === 'EFBIG' && limit) {
      throw new Error(
        `${file}: ${e.reason} for a checkpoint whose tensors may take at most ${limit.bytes} bytes (${limit.reason})`,
      );
    }
    throw e;
  }
}
