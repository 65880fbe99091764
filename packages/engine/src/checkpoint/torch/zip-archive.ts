import { inflateRaw } from './inflate';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const PICKLE_PROTO = 0x80;
const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_ENTRY = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/** One file of the archive as its central directory describes it; nothing is decompressed yet. */
interface ZipEntry {
  method: number;
  compressedSize: number;
  size: number;
  /** Where the entry's local header starts. */
  headerOffset: number;
}

/** Why an entry path would escape the archive's folder, or undefined when it is safe. */
function unsafePathReason(name: string): string | undefined {
  if (name.length === 0) return 'empty name';
  if (name.includes('\0')) return 'NUL in name';
  if (/^[/\\]/.test(name) || /^[A-Za-z]:/.test(name)) return 'absolute path';
  if (name.split(/[/\\]/).includes('..')) return "'..' in path";
  return undefined;
}

/**
 * A zip archive held in memory, read lazily: the constructor checks the central directory (entry paths
 * that are absolute or climb out with `..`, duplicate names, entries reaching past the end of the file)
 * without decompressing anything, and `read` inflates one entry, never beyond the size its directory
 * record states. Unread entries cost no memory or time, however large they claim to be.
 */
export class ZipArchive {
  private readonly view: DataView;
  private readonly entries = new Map<string, ZipEntry>();

  constructor(
    private readonly bytes: Uint8Array,
    /** Name of the archive's origin, used in error messages. */
    readonly source: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (!ZIP_MAGIC.every((b, i) => bytes[i] === b)) {
      if (bytes[0] === PICKLE_PROTO) {
        throw new Error(
          `not supported: ${source} uses PyTorch's legacy (pre-1.6, non-zip) checkpoint format`,
        );
      }
      throw new Error(`${source}: not a zip archive (PyTorch checkpoints are zip files)`);
    }
    this.readDirectory();
  }

  /** Every entry name, directories included. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Whether the archive has an entry called `name`. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The uncompressed size the directory states for `name`. */
  sizeOf(name: string): number | undefined {
    return this.entries.get(name)?.size;
  }

  /**
   * The bytes of entry `name`: a view into the archive when stored, else inflated into at most the
   * stated size. Refuses entries larger than `limit` before touching their data.
   */
  read(name: string, limit = Number.POSITIVE_INFINITY): Uint8Array {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`${this.source}: zip entry '${name}' is missing`);
    if (entry.size > limit) {
      throw new Error(
        `${this.source}: zip entry '${name}' is ${entry.size} bytes, more than the ${limit} allowed`,
      );
    }
    const at = this.u32(entry.headerOffset, 'local header');
    if (at !== LOCAL_ENTRY) this.unreadable(`entry '${name}' has no local header`);
    const start =
      entry.headerOffset +
      30 +
      this.u16(entry.headerOffset + 26, 'local header') +
      this.u16(entry.headerOffset + 28, 'local header');
    if (start + entry.compressedSize > this.bytes.length) {
      throw new Error(
        `${this.source}: zip entry '${name}' is truncated (${Math.max(0, this.bytes.length - start)} of ${entry.compressedSize} bytes)`,
      );
    }
    const data = this.bytes.subarray(start, start + entry.compressedSize);
    if (entry.method === STORED) {
      if (entry.size !== entry.compressedSize) this.unreadable(`stored entry '${name}' has two sizes`);
      return data;
    }
    if (entry.size === 0) return new Uint8Array(0);
    let out: Uint8Array;
    try {
      // Inflating stops at the stated size: a decompression bomb costs no more than that.
      out = inflateRaw(data, entry.size);
    } catch (error) {
      throw new Error(`${this.source}: zip entry '${name}' cannot be inflated (${(error as Error).message})`);
    }
    if (out.length !== entry.size) {
      throw new Error(
        `${this.source}: zip entry '${name}' inflates to ${out.length} bytes, not the ${entry.size} stated`,
      );
    }
    return out;
  }

  private unreadable(why: string): never {
    throw new Error(`${this.source}: unreadable zip archive (${why}); is the file truncated?`);
  }

  private u16(at: number, what: string): number {
    if (at < 0 || at + 2 > this.bytes.length) this.unreadable(`${what} past the end of the file`);
    return this.view.getUint16(at, true);
  }

  private u32(at: number, what: string): number {
    if (at < 0 || at + 4 > this.bytes.length) this.unreadable(`${what} past the end of the file`);
    return this.view.getUint32(at, true);
  }

  private u64(at: number, what: string): number {
    if (at < 0 || at + 8 > this.bytes.length) this.unreadable(`${what} past the end of the file`);
    const value = this.view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.unreadable(`${what} out of range`);
    return Number(value);
  }

  /** The end-of-central-directory record: the last one, within the 64 KiB a comment may take. */
  private findEnd(): number {
    const lowest = Math.max(0, this.bytes.length - 22 - 0xffff);
    for (let at = this.bytes.length - 22; at >= lowest; at--) {
      if (this.view.getUint32(at, true) === EOCD) return at;
    }
    return this.unreadable('no end of central directory');
  }

  private readDirectory(): void {
    const end = this.findEnd();
    let count = this.u16(end + 10, 'directory');
    let offset = this.u32(end + 16, 'directory');
    if (count === 0xffff || offset === 0xffffffff) {
      const locator = end - 20;
      if (this.u32(locator, 'zip64 locator') !== ZIP64_LOCATOR) this.unreadable('zip64 locator missing');
      const end64 = this.u64(locator + 8, 'zip64 directory');
      if (this.u32(end64, 'zip64 directory') !== ZIP64_EOCD) this.unreadable('zip64 directory missing');
      count = this.u64(end64 + 32, 'zip64 directory');
      offset = this.u64(end64 + 48, 'zip64 directory');
    }
    let at = offset;
    for (let i = 0; i < count; i++) {
      if (this.u32(at, 'directory entry') !== CENTRAL_ENTRY)
        this.unreadable(`directory entry ${i} is damaged`);
      const nameLength = this.u16(at + 28, 'directory entry');
      const extraLength = this.u16(at + 30, 'directory entry');
      const commentLength = this.u16(at + 32, 'directory entry');
      if (at + 46 + nameLength > this.bytes.length)
        this.unreadable('directory entry past the end of the file');
      const name = new TextDecoder().decode(this.bytes.subarray(at + 46, at + 46 + nameLength));
      const reason = unsafePathReason(name);
      if (reason) throw new Error(`${this.source}: zip entry '${name}' refused (${reason})`);
      if (this.entries.has(name)) throw new Error(`${this.source}: duplicate zip entry '${name}'`);
      const entry: ZipEntry = {
        method: this.u16(at + 10, 'directory entry'),
        compressedSize: this.u32(at + 20, 'directory entry'),
        size: this.u32(at + 24, 'directory entry'),
        headerOffset: this.u32(at + 42, 'directory entry'),
      };
      this.readZip64Extra(entry, at + 46 + nameLength, extraLength);
      if (entry.method !== STORED && entry.method !== DEFLATED) {
        throw new Error(
          `not supported: ${this.source} zip entry '${name}' uses compression method ${entry.method}`,
        );
      }
      if (entry.headerOffset + 30 + entry.compressedSize > this.bytes.length) {
        throw new Error(
          `${this.source}: zip entry '${name}' is truncated (${Math.max(0, this.bytes.length - entry.headerOffset - 30)} of ${entry.compressedSize} bytes)`,
        );
      }
      this.entries.set(name, entry);
      at += 46 + nameLength + extraLength + commentLength;
    }
  }

  /** Replaces 0xffffffff sizes and offsets by their 64-bit values from the zip64 extra field. */
  private readZip64Extra(entry: ZipEntry, start: number, length: number): void {
    const wide = (['size', 'compressedSize', 'headerOffset'] as const).filter((k) => entry[k] === 0xffffffff);
    if (wide.length === 0) return;
    for (let at = start; at + 4 <= start + length; ) {
      const id = this.u16(at, 'zip64 field');
      const size = this.u16(at + 2, 'zip64 field');
      if (id === 0x0001) {
        wide.forEach((k, i) => {
          entry[k] = this.u64(at + 4 + 8 * i, 'zip64 field');
        });
        return;
      }
      at += 4 + size;
    }
    this.unreadable('zip64 sizes missing');
  }
}
