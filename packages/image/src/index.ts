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
export { type FloatArray, hsvToRgb, hsvToRgbAt, rgbToHsvAt } from './hsv';
export { CHANNELS, type PixelArray, subtractMean } from './pixels';
export { discShape, ellipseShape, polylineShapes } from './raster/contours';
export {
  type Contour,
  type CoverageMask,
  coveredRect,
  fillShapes,
  paintMask,
  type RowColor,
  shapesMask,
} from './raster/fill';
export {
  checkImage,
  createImage,
  fillRect,
  type PixelRect,
  type RasterImage,
  type Rgb,
} from './raster/image';
export { type RowSource, resampleBilinear, resizeBilinear } from './resize';
export { describeUnreadable, IMAGE_FORMATS, type ImageFormat, sniffImageFormat } from './sniff';
