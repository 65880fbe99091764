/**
 * Checkpoints in a page: a URL (or a model zoo name, through a mirror), a File from a file input or a drop, or
 * bytes; their format from the name, else from the bytes.
 */
import { findZooModel, zooDownloadLimit } from '../checkpoint/model-zoo';
import { absoluteUrl, type BrowserDownloadOptions, fetchCached } from './download';

/** What a page can give as a checkpoint. */
export type CheckpointSource = string | ArrayBuffer | Uint8Array | Blob;

/** The formats a checkpoint comes in: the reference's `.pth`, ours (`.safetensors`), an ONNX export. */
export type CheckpointFormat = 'pth' | 'safetensors' | 'onnx';

/** Options of `readCheckpoint`. */
export interface CheckpointSourceOptions extends BrowserDownloadOptions {
  /**
   * A base URL that holds the model zoo's files under their published names (e.g.
   * `mobilenet_v2_ssd320_voc0712_v2.pth`): a zoo name is fetched from there. Without it, from GitHub's
   * release, which a page may not be allowed to read.
   */
  readonly mirror?: string;
  /** The checkpoint's name when it is bytes (its format is read from it: `.pth`, `.safetensors`, `.onnx`). */
  readonly name?: string;
}

/** A checkpoint's bytes, its name for messages and its format. */
export interface CheckpointBytes {
  readonly bytes: Uint8Array;
  readonly name: string;
  readonly format: CheckpointFormat;
}

const EXTENSIONS: readonly [RegExp, CheckpointFormat][] = [
  [/\.(pth|pt)$/i, 'pth'],
  [/\.safetensors$/i, 'safetensors'],
  [/\.onnx$/i, 'onnx'],
];

/** The format a name says (its extension, query and fragment aside), if it says one. */
export function formatOfName(name: string): CheckpointFormat | undefined {
  const path = name.replace(/[?#].*$/, '');
  return EXTENSIONS.find(([pattern]) => pattern.test(path))?.[1];
}

/** The format of a checkpoint's first bytes: a zip or a pickle (`.pth`), a safetensors header, an ONNX model. */
export function formatOfBytes(bytes: Uint8Array): CheckpointFormat | undefined {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4)
    return 'pth';
  if (bytes[0] === 0x80) return 'pth';
  // safetensors: an 8-byte little-endian header length, then the header's JSON object.
  if (bytes.length > 9 && bytes[8] === 0x7b && bytes[6] === 0 && bytes[7] === 0) return 'safetensors';
  // An ONNX ModelProto starts with field 1, ir_version, a varint: tag byte 0x08.
  if (bytes[0] === 0x08) return 'onnx';
  return undefined;
}

/** The checkpoint's format, from its name or else its bytes; an error naming it when neither says. */
function formatOf(bytes: Uint8Array, name: string): CheckpointFormat {
  const format = formatOfName(name) ?? formatOfBytes(bytes);
  if (!format) {
    throw new Error(
      `${name}: not a checkpoint (neither its name nor its first bytes say .pth, .safetensors or .onnx)`,
    );
  }
  return format;
}

/** The URL a string names: a model zoo name (from `mirror`, else the zoo's own URL), or a URL as given. */
export function checkpointUrl(ckpt: string, mirror?: string): string {
  const zoo = findZooModel(ckpt);
  if (!zoo) return ckpt;
  if (!mirror) return zoo.url;
  const file = zoo.url.slice(zoo.url.lastIndexOf('/') + 1);
  return `${mirror.replace(/\/+$/, '')}/${file}`;
}

/**
 * Reads `ckpt` — a URL (relative to the page), a model zoo name (`mobilenet_v2_ssd320_voc0712`, from `mirror`,
 * at most a quarter over its published size), a File or Blob, or bytes — into memory, with its name and format.
 * Downloads are cached (Cache API) and report progress.
 */
export async function readCheckpoint(
  ckpt: CheckpointSource,
  options: CheckpointSourceOptions = {},
): Promise<CheckpointBytes> {
  if (typeof ckpt === 'string') {
    const url = absoluteUrl(checkpointUrl(ckpt, options.mirror));
    // A zoo name only ever brings its own file: at most a quarter over its published size (as in Node).
    const zoo = findZooModel(ckpt);
    const bytes = await fetchCached(url, zoo ? { maxBytes: zooDownloadLimit(zoo), ...options } : options);
    return { bytes, name: url, format: formatOf(bytes, options.name ?? url) };
  }
  if (ckpt instanceof Blob) {
    const name = options.name ?? ((ckpt as File).name || '<checkpoint blob>');
    const bytes = new Uint8Array(await ckpt.arrayBuffer());
    return { bytes, name, format: formatOf(bytes, name) };
  }
  const bytes = ckpt instanceof Uint8Array ? ckpt : new Uint8Array(ckpt);
  const name = options.name ?? '<checkpoint bytes>';
  return { bytes, name, format: formatOf(bytes, name) };
}
