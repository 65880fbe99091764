/**
 * The reference's VGG backbone for SSD300/SSD512: VGG16 up to conv5_3 (pool3 in ceil mode), pool5 3×3/1/1,
 * dilated fc6 and 1×1 fc7, L2Norm on conv4_3, then the extra layers for the input size. Tensor names follow
 * the reference (`vgg.<i>`, `extras.<i>`, `l2_norm.weight`).
 *
 * The VGG layers start from PyTorch's default init; with MODEL.BACKBONE.PRETRAINED the trainer then loads
 * `vgg16_reducedfc.pth` (ImageNet VGG16 with fc6/fc7 converted to the dilated conv6 and 1×1 conv7) into
 * `vgg` strictly, as the reference's `init_from_pretrain` does; L2Norm and the extras keep their init.
 */
import {
  Conv2d,
  L2Norm,
  MaxPool2d,
  type Module,
  type ModuleFactory,
  ReLU,
  type Scope,
  Sequential,
  xavierUniform,
  zeros,
} from '../nn';
import type { PretrainedSource } from '../pretrained/source';
import { Backbone } from './backbone';

/** VGG16's convolution widths; 'M' is a 2×2 max-pool, 'C' the same in ceil mode (38×38 from 75×75). */
const VGG16: ReadonlyArray<number | 'M' | 'C'> = [
  64,
  64,
  'M',
  128,
  128,
  'M',
  256,
  256,
  256,
  'C',
  512,
  512,
  512,
  'M',
  512,
  512,
  512,
];

/** Number of `vgg` layers up to and including conv4_3's ReLU, whose output feeds L2Norm. */
const CONV4_3_END = 23;

interface ExtraConv {
  out: number;
  kernel: number;
  stride?: number;
  padding?: number;
}

/** Extra layers per input size; each odd-indexed one (after ReLU) is a feature map. */
const EXTRAS: Record<number, ExtraConv[]> = {
  300: [
    { out: 256, kernel: 1 },
    { out: 512, kernel: 3, stride: 2, padding: 1 },
    { out: 128, kernel: 1 },
    { out: 256, kernel: 3, stride: 2, padding: 1 },
    { out: 128, kernel: 1 },
    { out: 256, kernel: 3 },
    { out: 128, kernel: 1 },
    { out: 256, kernel: 3 },
  ],
  512: [
    { out: 256, kernel: 1 },
    { out: 512, kernel: 3, stride: 2, padding: 1 },
    { out: 128, kernel: 1 },
    { out: 256, kernel: 3, stride: 2, padding: 1 },
    { out: 128, kernel: 1 },
    { out: 256, kernel: 3, stride: 2, padding: 1 },
    { out: 128, kernel: 1 },
    { out: 256, kernel: 3, stride: 2, padding: 1 },
    { out: 128, kernel: 1 },
    { out: 256, kernel: 4, padding: 1 },
  ],
};

function vggLayers(): ModuleFactory[] {
  const layers: ModuleFactory[] = [];
  let inChannels = 3;
  for (const v of VGG16) {
    if (v === 'M' || v === 'C') {
      layers.push(() => new MaxPool2d({ kernelSize: 2, stride: 2, ceilMode: v === 'C' }));
      continue;
    }
    const c = inChannels;
    layers.push(
      (s) => new Conv2d(s, { inChannels: c, outChannels: v, kernelSize: 3, padding: 1 }),
      () => new ReLU(),
    );
    inChannels = v;
  }
  layers.push(
    () => new MaxPool2d({ kernelSize: 3, stride: 1, padding: 1 }),
    (s) => new Conv2d(s, { inChannels: 512, outChannels: 1024, kernelSize: 3, padding: 6, dilation: 6 }),
    () => new ReLU(),
    (s) => new Conv2d(s, { inChannels: 1024, outChannels: 1024, kernelSize: 1 }),
    () => new ReLU(),
  );
  return layers;
}

/**
 * VGG16 + L2Norm + extras, returning 6 (SSD300) or 7 (SSD512) feature maps: conv4_3 through L2Norm, fc7, then
 * every second extra convolution's output (each convolution followed by a ReLU).
 */
export class VGG extends Backbone {
  readonly vgg: Sequential;
  /** Each followed by a ReLU; every second one's output is a feature map. */
  readonly extras: Conv2d[];
  readonly l2Norm: L2Norm;
  /** `vgg` layers before this index produce conv4_3's output (the first feature map, after L2Norm). */
  readonly conv43End = CONV4_3_END;

  constructor(scope: Scope, imageSize: number) {
    const specs = EXTRAS[imageSize];
    if (!specs)
      throw new Error(`not supported: vgg backbone with INPUT.IMAGE_SIZE ${imageSize} (300 or 512)`);
    const vgg = new Sequential(scope.child('vgg'), vggLayers());
    const extrasScope = scope.child('extras').withInit({ convWeight: xavierUniform, convBias: zeros });
    let inChannels = 1024;
    const extras = specs.map((e, i) => {
      const conv = new Conv2d(extrasScope.child(i), {
        inChannels,
        outChannels: e.out,
        kernelSize: e.kernel,
        stride: e.stride,
        padding: e.padding,
      });
      inChannels = e.out;
      return conv;
    });
    const l2Norm = new L2Norm(scope.child('l2_norm'), 512, 20);
    const trunk: Module[] = [...vgg.layers, ...extras.flatMap((conv) => [conv, new ReLU()])];
    const extraTaps = specs.flatMap((_, i) => (i % 2 === 1 ? [vgg.layers.length + 2 * (i + 1)] : []));
    super({ layers: trunk, taps: [{ at: CONV4_3_END, through: l2Norm }, vgg.layers.length, ...extraTaps] });
    this.vgg = vgg;
    this.extras = extras;
    this.l2Norm = l2Norm;
  }
}

/** The reference's ImageNet weights for `vgg`: loaded strictly into `backbone.vgg`. */
export const VGG_PRETRAINED: PretrainedSource = {
  url: 'https://s3.amazonaws.com/amdegroot-models/vgg16_reducedfc.pth',
  description: 'VGG16 (fc reduced), ImageNet',
  under: 'backbone.vgg.',
  strict: true,
};
