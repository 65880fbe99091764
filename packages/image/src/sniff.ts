/**
 * Which image format a file is, from its first bytes (never its name): the decoder reads only the formats
 * documented, and says what anything else is, so that an SVG (which librsvg would render, filters and all)
 * named `.png` is refused before any decoder sees it.
 */

/** The formats `decodeImage` reads, by sharp's name for them. */
export type ImageFormat = 'jpeg' | 'png' | 'webp';

/** The formats `decodeImage` reads, as the documentation names them. */
export const IMAGE_FORMATS: readonly string[] = ['JPEG', 'PNG', 'WebP'];

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);

const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));

/** The format of `bytes` if it is one `decodeImage` reads. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  return undefined;
}

/** Signatures of formats that are not read, to say what a refused file is. */
const OTHERS: readonly [string, (bytes: Uint8Array) => boolean][] = [
  ['GIF', (b) => startsWith(b, ascii('GIF8'))],
  ['BMP', (b) => startsWith(b, ascii('BM')) && startsWith(b, [0, 0, 0, 0], 6)],
  ['TIFF', (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])],
  ['HEIF/AVIF', (b) => startsWith(b, ascii('ftyp'), 4)],
  ['JPEG 2000', (b) => startsWith(b, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20])],
  ['JPEG XL', (b) => startsWith(b, [0xff, 0x0a]) || startsWith(b, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])],
  ['PDF (a vector format)', (b) => startsWith(b, ascii('%PDF'))],
  ['PostScript (a vector format)', (b) => startsWith(b, ascii('%!'))],
  ['gzip-compressed (an SVGZ?)', (b) => startsWith(b, [0x1f, 0x8b])],
];

/** What `bytes` are, in words, when they are not a format `decodeImage` reads. */
export function describeUnreadable(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'an empty file';
  const other = OTHERS.find(([, is]) => is(bytes));
  if (other) return other[0];
  // Text: SVG (XML, maybe after a byte-order mark, comments or a DOCTYPE) or anything else.
  // Latin-1, one character per byte (no Buffer: the browser build sniffs too).
  const head = String.fromCharCode(...bytes.subarray(0, 4096));
  if (/<svg[\s>]/i.test(head)) return 'SVG (a vector format)';
  if (/^(\xef\xbb\xbf)?\s*</.test(head)) return 'XML or HTML text';
  if (/^[\t\n\r\x20-\x7e]*$/.test(head.slice(0, 512))) return 'text';
  return 'not an image format';
}
