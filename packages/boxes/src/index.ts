export { decodeLocations, encodeLocations } from './box-coding';
export {
  type BoxArithmetic,
  type CenterSize,
  type Corners,
  cornersOf,
  decodeCenterSize,
  NUMBER_ARITHMETIC,
} from './box-decoding';
export { centerFormToCornerForm, cornerFormToCenterForm } from './box-forms';
export { boxIou, IOU_EPS, iouMatrix } from './iou';
export { assignPriors, type PriorAssignment } from './matching';
export { batchedNms, nms } from './nms';
export { buildPriors, type PriorConfig, priorsPerLocation } from './priors';
export { scaleBoxes } from './scale';
export { matchAndEncode, type TargetConfig, type TargetEncoding } from './target-transform';
