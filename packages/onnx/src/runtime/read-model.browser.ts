/** A page has no file system: `.onnx` models come as the bytes it fetched or a File's. */
import { OnnxModelError } from './model-error';

/** Not in a browser: pass the model's bytes. */
export function readModelFile(file: string): Uint8Array {
  throw new OnnxModelError(
    `not supported in the browser: reading ${file} from a file system (pass its bytes)`,
  );
}
