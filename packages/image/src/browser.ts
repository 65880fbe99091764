/**
 * @ssd/image in a browser (the `browser` and `import` conditions of its exports): decoding with the page's own
 * decoders, and everything that is plain arithmetic on pixels (resize, mean subtraction, HSV, the rasteriser).
 * Encoding and files are the Node build's.
 */
export {
  type BrowserImageInput,
  type BrowserImageSource,
  decodeImage,
  isDecodedImage,
} from './browser/decode';
export { type DecodedImage, ImageError, ImageTooLargeError, MAX_IMAGE_PIXELS } from './decoded';
export * from './pixel-exports';
