/** A page has no file system: checkpoints come to the reader as bytes (fetched, or from a File). */
import type { TensorLimit } from './storage-loader';

/** Not in a browser: pass the checkpoint's bytes instead of a path. */
export function readCheckpointBytes(
  file: string,
  _limit?: TensorLimit,
  _maxPickleBytes?: number,
): Uint8Array {
  throw new Error(`not supported in the browser: reading ${file} from a file system (pass its bytes)`);
}
