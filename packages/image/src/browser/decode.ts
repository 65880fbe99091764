/**
 * Decoding in a browser: the page's own decoders (createImageBitmap) instead of sharp, to the same 8-bit RGB as
 * the Node build — EXIF orientation applied, colour converted to sRGB, alpha dropped — from bytes, a URL, a
 * File or Blob, or anything a page draws: <img>, <video> (its current frame), <canvas>, ImageBitmap, ImageData,
 * VideoFrame.
 */
import { type DecodedImage, ImageError, ImageTooLargeError, MAX_IMAGE_PIXELS } from '../decoded';
import { describeUnreadable, IMAGE_FORMATS, sniffImageFormat } from '../sniff';

/** An image a page holds, which `decodeImage` reads the pixels of. */
export type BrowserImageSource =
  | Blob
  | ImageBitmap
  | ImageData
  | HTMLImageElement
  | HTMLVideoElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | VideoFrame;

/** What `decodeImage` takes in a browser: bytes, a URL (fetched), or an image the page holds. */
export type BrowserImageInput = string | ArrayBuffer | Uint8Array | BrowserImageSource;

// The decoder's choices that make its pixels the Node build's: upright, sRGB, straight (not premultiplied) alpha.
const BITMAP_OPTIONS: ImageBitmapOptions = {
  imageOrientation: 'from-image',
  colorSpaceConversion: 'default',
  premultiplyAlpha: 'none',
};

const has = (name: string): boolean => typeof (globalThis as Record<string, unknown>)[name] === 'function';
const isA = <T>(value: unknown, name: string): value is T =>
  has(name) && value instanceof (globalThis as unknown as Record<string, new () => T>)[name]!;

/** RGBA bytes (ImageData's layout) → RGB, the alpha channel dropped. */
function rgbaToRgb(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): DecodedImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < data.length; i += 4, j += 3) {
    data[j] = rgba[i]!;
    data[j + 1] = rgba[i + 1]!;
    data[j + 2] = rgba[i + 2]!;
  }
  return { data, width, height };
}

function checkPixels(width: number, height: number, label: string): void {
  if (width === 0 || height === 0) throw new ImageError(label, 'it has no pixels');
  if (width * height > MAX_IMAGE_PIXELS) throw new ImageTooLargeError(label, width, height, MAX_IMAGE_PIXELS);
}

/** A drawing surface of `width`×`height` to read pixels back from (OffscreenCanvas where there is one). */
function canvas2d(
  width: number,
  height: number,
): CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D {
  const options: CanvasRenderingContext2DSettings = { willReadFrequently: true, colorSpace: 'srgb' };
  if (has('OffscreenCanvas')) {
    const context = new OffscreenCanvas(width, height).getContext('2d', options);
    if (context) return context;
  }
  const element = document.createElement('canvas');
  element.width = width;
  element.height = height;
  const context = element.getContext('2d', options);
  if (!context) throw new Error('cannot read pixels: this page gives no 2D canvas');
  return context;
}

/** The RGB pixels of a decoded bitmap, read back through a canvas. */
function bitmapPixels(bitmap: ImageBitmap, label: string): DecodedImage {
  const { width, height } = bitmap;
  checkPixels(width, height, label);
  const context = canvas2d(width, height);
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  return rgbaToRgb(data, width, height);
}

/** What to call `input` in messages. */
function labelOf(input: BrowserImageInput): string {
  if (typeof input === 'string') return input;
  if (isA<File>(input, 'File')) return input.name;
  if (isA<HTMLImageElement>(input, 'HTMLImageElement')) return input.currentSrc || input.src || '<img>';
  if (isA<HTMLVideoElement>(input, 'HTMLVideoElement')) return input.currentSrc || input.src || '<video>';
  return `<${(input as object).constructor?.name ?? 'image'}>`;
}

/**
 * Encoded bytes as a Blob for the browser's decoders, once their first bytes say they are a format the Node
 * build reads too (JPEG, PNG, WebP): anything else (SVG, a text file, a PDF) is refused before a decoder sees it.
 */
function encodedImage(bytes: Uint8Array, label: string): Blob {
  const format = sniffImageFormat(bytes);
  if (!format) {
    throw new ImageError(
      label,
      `it is ${describeUnreadable(bytes)}, not one of the formats read (${IMAGE_FORMATS.join(', ')})`,
    );
  }
  return new Blob([bytes as BlobPart], { type: `image/${format}` });
}

/** The image `input` is, as something createImageBitmap takes. */
async function bitmapSource(input: BrowserImageInput, label: string): Promise<ImageBitmapSource> {
  if (typeof input === 'string') {
    let response: Response;
    try {
      response = await fetch(input);
    } catch (e) {
      throw new ImageError(label, `the request failed (${(e as Error).message})`);
    }
    if (!response.ok) throw new ImageError(label, `HTTP ${response.status} ${response.statusText}`.trim());
    return encodedImage(new Uint8Array(await response.arrayBuffer()), label);
  }
  if (input instanceof ArrayBuffer) return encodedImage(new Uint8Array(input), label);
  if (input instanceof Uint8Array) return encodedImage(input, label);
  if (isA<Blob>(input, 'Blob')) return encodedImage(new Uint8Array(await input.arrayBuffer()), label);
  if (isA<HTMLImageElement>(input, 'HTMLImageElement')) {
    // An <img> still loading (or never loaded): wait for it, or say why it cannot be drawn.
    if (!input.complete || input.naturalWidth === 0) {
      try {
        await input.decode();
      } catch {
        throw new ImageError(label, 'the <img> did not load, or what it loaded is not an image');
      }
    }
    return input;
  }
  if (isA<HTMLVideoElement>(input, 'HTMLVideoElement') && input.readyState < 2) {
    throw new ImageError(label, "the <video> has no frame yet (wait for its 'loadeddata' event)");
  }
  return input as ImageBitmapSource;
}

/**
 * Decodes `input` to RGB as the Node build's `decodeImage` does: EXIF orientation applied, colours in sRGB, alpha
 * dropped; an image over {@link MAX_IMAGE_PIXELS} is refused. Bytes, Blobs and URLs must be JPEG, PNG or WebP
 * (sniffed from the bytes, as in Node) and go through the browser's own decoders; <img>, <video>, canvases,
 * bitmaps and frames give the pixels the page shows. Every refusal is an {@link ImageError} naming the image.
 */
export async function decodeImage(input: BrowserImageInput, name?: string): Promise<DecodedImage> {
  const label = name ?? labelOf(input);
  if (isA<ImageData>(input, 'ImageData')) {
    checkPixels(input.width, input.height, label);
    return rgbaToRgb(input.data, input.width, input.height);
  }
  const source = await bitmapSource(input, label);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(source, BITMAP_OPTIONS);
  } catch (e) {
    // Encoded bytes here passed the format check: their data is broken (a truncated JPEG, a corrupt PNG).
    const why = isA<Blob>(source, 'Blob')
      ? `the browser cannot decode it (${(e as Error).message})`
      : (e as Error).message;
    throw new ImageError(label, why);
  }
  try {
    return bitmapPixels(bitmap, label);
  } finally {
    bitmap.close();
  }
}

/** Whether `image` is already decoded RGB (`{ data: Uint8Array, width, height }` with 3 bytes a pixel). */
export function isDecodedImage(image: unknown): image is DecodedImage {
  const candidate = image as Partial<DecodedImage> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.data instanceof Uint8Array &&
    typeof candidate.width === 'number' &&
    typeof candidate.height === 'number' &&
    candidate.data.length === candidate.width * candidate.height * 3
  );
}
