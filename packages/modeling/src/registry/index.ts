/**
 * The component registries as @ssd/modeling exports them, with the built-in components in. Each registry is a
 * leaf module beside its factory type; its builder lives beside what it builds. Another package adds its own
 * components by registering them under new names, and a config selects them by name.
 */
import { registerBuiltIns } from './built-ins';

export { buildBackbone } from '../backbone/build-backbone';
export { buildDetectionModel } from '../detector/build-detection-model';
export { buildBoxHead, buildBoxPredictor } from '../head/build-head';
export { BACKBONES, type BackboneFactory } from './backbones';
export { BOX_HEADS, BOX_PREDICTORS, type BoxHeadFactory, type BoxPredictorFactory } from './heads';
export { type DetectorFactory, META_ARCHITECTURES } from './meta-architectures';
export { PRETRAINED_SOURCES } from './pretrained-sources';

registerBuiltIns();
