/** A `.onnx` file's bytes, in Node (a page passes the bytes it fetched: read-model.browser.ts). */
import { InputFileError, readInputFile } from '@ssd/files';
import { OnnxModelError } from './model-error';

/** The largest `.onnx` file read: VGG512's export is about 100 MB. */
const MAX_MODEL_BYTES = 2 * 2 ** 30;

/** The bytes of the regular file `file`, at most MAX_MODEL_BYTES; errors name it. */
export function readModelFile(file: string): Uint8Array {
  try {
    return readInputFile(file, { maxBytes: MAX_MODEL_BYTES, what: 'ONNX model' });
  } catch (e) {
    throw new OnnxModelError(
      `cannot load ONNX model ${e instanceof InputFileError ? e.message : (e as Error).message}`,
    );
  }
}
