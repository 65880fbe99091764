export { type DecodedImage, decodeImage, MAX_IMAGE_PIXELS } from './decode';
export { type FloatArray, hsvToRgb, hsvToRgbAt, rgbToHsvAt } from './hsv';
export { CHANNELS, type PixelArray, subtractMean } from './pixels';
export { type RowSource, resampleBilinear, resizeBilinear } from './resize';
