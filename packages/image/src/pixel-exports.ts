// What both entry points (Node's index and the browser's) export: plain arithmetic on pixels and format sniffing.
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
