/**
 * The reference's MobileNetV3-Large backbone (width 1.0): `features` (3×3 stem, 15 inverted residual blocks,
 * 1×1 conv to 960) tapped after block 11 (112 channels, stride 16) and at the end (960, stride 32), then four
 * inverted residual `extras` with squeeze-and-excitation and h_swish (512, 256, 256, 64 channels), each a
 * feature map.
 *
 * Initialisation follows the reference's reset_parameters: convolutions N(0, sqrt(2 / (k·k·out))) (kaiming
 * normal, fan_out), Linear N(0, 0.01) with zero bias, BatchNorm (1, 0). With MODEL.BACKBONE.PRETRAINED the
 * trainer then loads d-li14's ImageNet MobileNetV3-Large into the whole backbone with strict=False, as the
 * reference does. Only `features.0`–`features.15` match by name: that file keeps the last 1×1 conv under
 * `conv`, so the reference's `features.16` (and the extras) keep their init.
 */
import { kaimingNormalFanOut, type ModuleFactory, normal, type Scope, Sequential, zeros } from '../nn';
import type { PretrainedSource } from '../pretrained/source';
import { Backbone } from './backbone';
import { makeDivisible } from './make-divisible';
import { convBNHardSwish, MobileNetV3InvertedResidual } from './mobilenet-v3-blocks';

/** One row of MobileNetV3-Large's block table. */
interface BlockSpec {
  readonly kernel: number;
  /** Expansion ratio of the hidden width. */
  readonly expand: number;
  readonly out: number;
  readonly se: boolean;
  readonly hardSwish: boolean;
  readonly stride: 1 | 2;
}

function block(
  kernel: number,
  expand: number,
  out: number,
  se: 0 | 1,
  hardSwish: 0 | 1,
  stride: 1 | 2,
): BlockSpec {
  return { kernel, expand, out, se: se === 1, hardSwish: hardSwish === 1, stride };
}

/** MobileNetV3-Large (Howard et al. 2019, table 1): kernel, expansion, width, SE, h_swish, stride. */
const LARGE: readonly BlockSpec[] = [
  block(3, 1, 16, 0, 0, 1),
  block(3, 4, 24, 0, 0, 2),
  block(3, 3, 24, 0, 0, 1),
  block(5, 3, 40, 1, 0, 2),
  block(5, 3, 40, 1, 0, 1),
  block(5, 3, 40, 1, 0, 1),
  block(3, 6, 80, 0, 1, 2),
  block(3, 2.5, 80, 0, 1, 1),
  block(3, 2.3, 80, 0, 1, 1),
  block(3, 2.3, 80, 0, 1, 1),
  block(3, 6, 112, 1, 1, 1),
  block(3, 6, 112, 1, 1, 1),
  block(5, 6, 160, 1, 1, 2),
  block(5, 6, 160, 1, 1, 1),
  block(5, 6, 160, 1, 1, 1),
];

/** `features` layers before this index produce the first (stride 16, 112-channel) feature map. */
const FIRST_TAP = 13;

/** (in, out, hidden-width ratio) of the extra blocks: 3×3, stride 2, SE and h_swish. */
const EXTRAS: ReadonlyArray<readonly [number, number, number]> = [
  [960, 512, 0.2],
  [512, 256, 0.25],
  [256, 256, 0.5],
  [256, 64, 0.25],
];

/** MobileNetV3-Large features plus SSD extras: six feature maps (112, 960, 512, 256, 256, 64 channels). */
export class MobileNetV3 extends Backbone {
  readonly features: Sequential;
  readonly extras: MobileNetV3InvertedResidual[];
  /** `features` layers before this index produce the first feature map. */
  readonly firstTap = FIRST_TAP;

  constructor(scope: Scope) {
    const s = scope.withInit({
      convWeight: kaimingNormalFanOut,
      convBias: zeros,
      linearWeight: normal(0, 0.01),
      linearBias: zeros,
    });
    let inChannels = makeDivisible(16, 8);
    const layers: ModuleFactory[] = [convBNHardSwish(3, inChannels, 3, 2)];
    let hidden = inChannels;
    for (const b of LARGE) {
      const cin = inChannels;
      const opts = {
        inChannels: cin,
        hiddenChannels: makeDivisible(cin * b.expand, 8),
        outChannels: makeDivisible(b.out, 8),
        kernelSize: b.kernel,
        stride: b.stride,
        useSE: b.se,
        useHardSwish: b.hardSwish,
      };
      layers.push((ls) => new MobileNetV3InvertedResidual(ls, opts));
      inChannels = opts.outChannels;
      hidden = opts.hiddenChannels;
    }
    // The last 1×1 conv widens to the last block's hidden width (960), as the reference's `exp_size`.
    layers.push(convBNHardSwish(inChannels, hidden, 1));
    const features = new Sequential(s.child('features'), layers);
    const extrasScope = s.child('extras');
    const extras = EXTRAS.map(
      ([cin, cout, ratio], i) =>
        new MobileNetV3InvertedResidual(extrasScope.child(i), {
          inChannels: cin,
          hiddenChannels: makeDivisible(cin * ratio, 8),
          outChannels: cout,
          kernelSize: 3,
          stride: 2,
          useSE: true,
          useHardSwish: true,
        }),
    );
    super({ layers: features.layers, taps: [FIRST_TAP, features.layers.length], extras });
    this.features = features;
    this.extras = extras;
  }
}

/**
 * d-li14's ImageNet MobileNetV3-Large, loaded into the whole backbone with strict=False as the reference does
 * (only `features.0`–`features.15` match by name).
 */
export const MOBILENET_V3_PRETRAINED: PretrainedSource = {
  url: 'https://github.com/d-li14/mobilenetv3.pytorch/raw/master/pretrained/mobilenetv3-large-1cd25616.pth',
  description: 'MobileNetV3-Large (d-li14/mobilenetv3.pytorch), ImageNet',
  under: 'backbone.',
  strict: false,
};
