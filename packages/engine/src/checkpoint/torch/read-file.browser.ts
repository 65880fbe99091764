/** A page has no file system: checkpoints come to the reader as bytes (fetched, or from a File). */

/** Not in a browser: pass the checkpoint's bytes instead of a path. */
export function readCheckpointBytes(file: string): Uint8Array {
  throw new Error(`not supported in the browser: reading ${file} from a file system (pass its bytes)`);
}
