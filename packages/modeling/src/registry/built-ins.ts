/** Every built-in component, registered by its reference name in one place. */
import {
  EFFICIENT_NET_B3_PRETRAINED,
  EfficientNet,
  MOBILENET_V2_PRETRAINED,
  MOBILENET_V3_PRETRAINED,
  MobileNetV2,
  MobileNetV3,
  VGG,
  VGG_PRETRAINED,
} from '../backbone';
import { SSDDetector } from '../detector/ssd-detector';
import { SSDBoxHead, ssdBoxPredictor, ssdLiteBoxPredictor } from '../head';
import { BACKBONES } from './backbones';
import { BOX_HEADS, BOX_PREDICTORS } from './heads';
import { META_ARCHITECTURES } from './meta-architectures';
import { PRETRAINED_SOURCES } from './pretrained-sources';

/** Registers the reference's backbones (with their ImageNet weights), box predictors, box head and detector. */
export function registerBuiltIns(): void {
  BACKBONES.register('efficient_net-b3', (_cfg, scope) => new EfficientNet(scope, 'efficientnet-b3'));
  BACKBONES.register('mobilenet_v2', (cfg, scope) => new MobileNetV2(scope, cfg.MODEL.BACKBONE.WIDTH_MULT));
  BACKBONES.register('mobilenet_v3', (_cfg, scope) => new MobileNetV3(scope));
  BACKBONES.register('vgg', (cfg, scope) => new VGG(scope, cfg.INPUT.IMAGE_SIZE));
  PRETRAINED_SOURCES.register('efficient_net-b3', EFFICIENT_NET_B3_PRETRAINED);
  PRETRAINED_SOURCES.register('mobilenet_v2', MOBILENET_V2_PRETRAINED);
  PRETRAINED_SOURCES.register('mobilenet_v3', MOBILENET_V3_PRETRAINED);
  PRETRAINED_SOURCES.register('vgg', VGG_PRETRAINED);
  BOX_PREDICTORS.register('SSDBoxPredictor', ssdBoxPredictor);
  BOX_PREDICTORS.register('SSDLiteBoxPredictor', ssdLiteBoxPredictor);
  BOX_HEADS.register('SSDBoxHead', (cfg, scope) => new SSDBoxHead(cfg, scope));
  META_ARCHITECTURES.register('SSDDetector', (cfg, options) => new SSDDetector(cfg, options));
}
