/**
 * Decoding and the test transform of one request's image, run in the prepare pool's worker threads (or inline):
 * the milliseconds of CPU each photo costs stay off the thread that runs the model.
 */
import type { SSDConfig } from '@ssd/config';
import { type PreparedImage, prepareImage } from '@ssd/engine';
import { decodeImage, ImageTooLargeError } from '@ssd/image';

/** One image to prepare: the body's bytes and the limits and transform that apply. */
export interface PrepareTask {
  readonly bytes: Uint8Array;
  readonly maxPixels: number;
  readonly input: SSDConfig['INPUT'];
}

/** A prepared image, or why there is none (a worker's errors lose their class: this keeps the kind). */
export type PrepareOutcome =
  | { readonly ok: true; readonly image: PreparedImage }
  | { readonly ok: false; readonly code: 'undecodable_image' | 'image_too_large'; readonly message: string };

/** Decodes the bytes (refusing too many pixels from the header) and applies the test transform. */
export async function prepare(task: PrepareTask): Promise<PrepareOutcome> {
  try {
    const decoded = await decodeImage(task.bytes, 'in the request body', { maxPixels: task.maxPixels });
    return { ok: true, image: prepareImage(decoded, { INPUT: task.input }) };
  } catch (e) {
    const code = e instanceof ImageTooLargeError ? 'image_too_large' : 'undecodable_image';
    return { ok: false, code, message: (e as Error).message };
  }
}
