export { buildTargetTransform, buildTransforms, type TargetTransform, type TransformConfig } from './build';
export { type ColorSpace, convertColor, jitterHsvInPlace, shiftHue } from './color';
export { compose, dropEmptyBoxes, type LabelledBoxes, removeEmptyBoxes } from './compose';
export { drawExpansion, EXPAND_MAX_RATIO, type Expansion, expand, fillPixels, shiftBoxes } from './expand';
export { drawMirror, flipBoxes, randomMirror } from './mirror';
export { boxesToPercent, toPercentCoords } from './percent-coords';
export {
  CHANNEL_PERMUTATIONS,
  photometricDistort,
  randomBrightness,
  randomContrast,
  randomHue,
  randomLightingNoise,
  randomSaturation,
} from './photometric';
export { convertFromInts, subtractMeans, toTensor } from './pixels';
export { randomGeometry } from './random-geometry';
export { CROP_MODES, type CropWindow, cropBoxes, drawCrop, randomSampleCrop } from './random-sample-crop';
export { resize } from './resize';
export { Rng } from './rng';
export {
  CHANNELS,
  checkSample,
  type EntryTransform,
  type ImageSample,
  type InputSample,
  type PixelArray,
  type Sample,
  type Transform,
} from './sample';
