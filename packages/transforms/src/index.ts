export { buildTargetTransform, buildTransforms, type TargetTransform, type TransformConfig } from './build';
export { type ColorSpace, convertColor } from './color';
export { compose, dropEmptyBoxes, type LabelledBoxes, removeEmptyBoxes } from './compose';
export { EXPAND_MAX_RATIO, expand } from './expand';
export { randomMirror } from './mirror';
export { toPercentCoords } from './percent-coords';
export {
  photometricDistort,
  randomBrightness,
  randomContrast,
  randomHue,
  randomLightingNoise,
  randomSaturation,
} from './photometric';
export { convertFromInts, subtractMeans, toTensor } from './pixels';
export { randomGeometry } from './random-geometry';
export { randomSampleCrop } from './random-sample-crop';
export { resize } from './resize';
export type {
  EntryTransform,
  ImageSample,
  InputSample,
  PixelArray,
  Sample,
  Transform,
} from './sample';
