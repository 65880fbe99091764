import { unzipSync } from 'fflate';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const PICKLE_PROTO = 0x80;

/** Why an entry path would escape the archive's folder, or undefined when it is safe. */
function unsafePathReason(name: string): string | undefined {
  if (name.length === 0) return 'empty name';
  if (name.includes('\0')) return 'NUL in name';
  if (/^[/\\]/.test(name) || /^[A-Za-z]:/.test(name)) return 'absolute path';
  if (name.split(/[/\\]/).includes('..')) return "'..' in path";
  return undefined;
}

/**
 * Reads every file entry of a zip archive into memory. Refuses entry paths that are absolute or
 * climb out with `..`, duplicate names, and entries whose data is shorter than the directory says.
 */
export function readZipEntries(bytes: Uint8Array, source: string): Map<string, Uint8Array> {
  if (!ZIP_MAGIC.every((b, i) => bytes[i] === b)) {
    if (bytes[0] === PICKLE_PROTO) {
      throw new Error(`not supported: ${source} uses PyTorch's legacy (pre-1.6, non-zip) checkpoint format`);
    }
    throw new Error(`${source}: not a zip archive (PyTorch checkpoints are zip files)`);
  }
  const sizes = new Map<string, number>();
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        const reason = unsafePathReason(file.name);
        if (reason) throw new Error(`${source}: zip entry '${file.name}' refused (${reason})`);
        if (sizes.has(file.name)) throw new Error(`${source}: duplicate zip entry '${file.name}'`);
        sizes.set(file.name, file.originalSize);
        return !file.name.endsWith('/');
      },
    });
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith(source)) throw error;
    throw new Error(`${source}: unreadable zip archive (${message}); is the file truncated?`);
  }
  const entries = new Map<string, Uint8Array>();
  for (const [name, size] of sizes) {
    if (name.endsWith('/')) continue;
    const data = Object.hasOwn(files, name) ? files[name] : undefined;
    if (data?.length !== size) {
      throw new Error(`${source}: zip entry '${name}' is truncated (${data?.length ?? 0} of ${size} bytes)`);
    }
    entries.set(name, data);
  }
  return entries;
}
