/**
 * The reference's MobileNetV2 backbone: `features` (stem, 17 inverted residual blocks, 1×1 conv to 1280)
 * tapped after block 13 (96 channels at width 1.0, stride 16) and at the end (1280, stride 32), then four
 * inverted residual `extras` (512, 256, 256, 64 channels), each a feature map. The width multiplier
 * (MODEL.BACKBONE.WIDTH_MULT) scales the stage widths as the reference's `width_mult` does.
 *
 * Every convolution starts from kaiming-normal (fan_out) and BatchNorm from (1, 0), as the reference's
 * reset_parameters does. With MODEL.BACKBONE.PRETRAINED the trainer then loads torchvision's ImageNet
 * MobileNetV2 into the whole backbone with strict=False, as the reference does: `features` match by name,
 * the classifier is unused and the extras keep their init.
 */
import {
  BatchNorm2d,
  Conv2d,
  type ConvBNOptions,
  convBNActivation,
  kaimingNormalFanOut,
  type ModuleFactory,
  ReLU6,
  Residual,
  type Scope,
  Sequential,
  zeros,
} from '../nn';
import type { PretrainedSource } from '../pretrained/source';
import { Backbone } from './backbone';
import { pythonRound } from './python-round';

/** conv (no bias) → BatchNorm → ReLU6, padding (k - 1) / 2 (the reference's ConvBNReLU). */
export function convBNReLU(
  inChannels: number,
  outChannels: number,
  options: ConvBNOptions = {},
): ModuleFactory {
  return convBNActivation(inChannels, outChannels, () => new ReLU6(), options);
}

/**
 * MobileNetV2's inverted residual: optional 1×1 expansion, 3×3 depthwise, linear 1×1 projection; the input is
 * added back when the block keeps stride 1 and width.
 */
export class InvertedResidual extends Residual<Sequential> {
  constructor(scope: Scope, inChannels: number, outChannels: number, stride: 1 | 2, expandRatio: number) {
    const hidden = pythonRound(inChannels * expandRatio);
    const layers: ModuleFactory[] = [];
    if (expandRatio !== 1) layers.push(convBNReLU(inChannels, hidden, { kernelSize: 1 }));
    layers.push(
      convBNReLU(hidden, hidden, { stride, groups: hidden }),
      (s) => new Conv2d(s, { inChannels: hidden, outChannels, kernelSize: 1, bias: false }),
      (s) => new BatchNorm2d(s, { numFeatures: outChannels }),
    );
    super(new Sequential(scope.child('conv'), layers), stride === 1 && inChannels === outChannels);
  }

  /** The branch, under its reference name. */
  get conv(): Sequential {
    return this.branch;
  }
}

/** (expansion t, width c, repeats n, first stride s) per stage, as in the MobileNetV2 paper. */
const STAGES: ReadonlyArray<readonly [number, number, number, 1 | 2]> = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

/** `features` layers before this index produce the first (stride 16, 96-channel) feature map. */
const FIRST_TAP = 14;

/** (in, out, stride, expansion) of the extra blocks. */
const EXTRAS: ReadonlyArray<readonly [number, number, 1 | 2, number]> = [
  [1280, 512, 2, 0.2],
  [512, 256, 2, 0.25],
  [256, 256, 2, 0.5],
  [256, 64, 2, 0.25],
];

/**
 * MobileNetV2 features plus SSD extras: six feature maps (96·w, 1280·max(1, w), 512, 256, 256, 64 channels),
 * `features` tapped at `firstTap` and at its end, then one per extra block.
 */
export class MobileNetV2 extends Backbone {
  readonly features: Sequential;
  readonly extras: InvertedResidual[];
  /** `features` layers before this index produce the first feature map. */
  readonly firstTap = FIRST_TAP;

  constructor(scope: Scope, widthMult = 1.0) {
    const s = scope.withInit({ convWeight: kaimingNormalFanOut, convBias: zeros });
    let inChannels = Math.trunc(32 * widthMult);
    const lastChannels = Math.trunc(1280 * Math.max(1.0, widthMult));
    const layers: ModuleFactory[] = [convBNReLU(3, inChannels, { stride: 2 })];
    for (const [t, width, n, stride] of STAGES) {
      const c = Math.trunc(width * widthMult);
      for (let i = 0; i < n; i++) {
        const cin = inChannels;
        layers.push((ls) => new InvertedResidual(ls, cin, c, i === 0 ? stride : 1, t));
        inChannels = c;
      }
    }
    layers.push(convBNReLU(inChannels, lastChannels, { kernelSize: 1 }));
    const features = new Sequential(s.child('features'), layers);
    const extrasScope = s.child('extras');
    const extras = EXTRAS.map(
      ([cin, cout, stride, t], i) =>
        new InvertedResidual(extrasScope.child(i), i === 0 ? lastChannels : cin, cout, stride, t),
    );
    super({ layers: features.layers, taps: [FIRST_TAP, features.layers.length], extras });
    this.features = features;
    this.extras = extras;
  }
}

/** torchvision's ImageNet MobileNetV2, loaded into the whole backbone with strict=False as the reference does. */
export const MOBILENET_V2_PRETRAINED: PretrainedSource = {
  url: 'https://download.pytorch.org/models/mobilenet_v2-b0353104.pth',
  description: 'torchvision MobileNetV2, ImageNet',
  under: 'backbone.',
  strict: false,
};
