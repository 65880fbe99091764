export {
  type DecodedImage,
  type DecodeOptions,
  decodeImage,
  ImageError,
  ImageTooLargeError,
  MAX_IMAGE_BYTES,
  MAX_IMAGE_PIXELS,
} from './decode';
export { type EncodeFormat, type EncodeOptions, encodeImage, imageFormatOf, writeImageFile } from './encode';
export * from './pixel-exports';
