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
