/** Built-in backbones; importing this module registers them in BACKBONES. */
export type { Backbone } from './backbone';
export { convBNReLU, InvertedResidual, MobileNetV2 } from './mobilenet-v2';
export { pythonRound } from './python-round';
export { VGG } from './vgg';
