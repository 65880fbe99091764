/**
 * A toy backbone living outside @ssd/modeling: importing this package registers it as `toy_backbone`, after
 * which any config with MODEL.BACKBONE.NAME toy_backbone builds it. Built only from @ssd/modeling's public
 * `nn` primitives: two stride-2 stages, each a feature map (input/4 and input/8, OUT_CHANNELS wide).
 */
import { BACKBONES, type Backbone, nn } from '@ssd/modeling';
import type * as tf from '@tensorflow/tfjs-core';

/** Registry name of the toy backbone. */
export const TOY_BACKBONE = 'toy_backbone';

/** conv 3×3 stride 2 → BatchNorm → ReLU, named like a PyTorch nn.Sequential. */
function stage(inChannels: number, outChannels: number): nn.ModuleFactory {
  return (scope) =>
    new nn.Sequential(scope, [
      (s) => new nn.Conv2d(s, { inChannels, outChannels, kernelSize: 3, stride: 2, padding: 1, bias: false }),
      (s) => new nn.BatchNorm2d(s, { numFeatures: outChannels }),
      () => new nn.ReLU(),
    ]);
}

/** Feature maps at strides 4 and 8 with MODEL.BACKBONE.OUT_CHANNELS[0] and [1] channels. */
export class ToyBackbone implements Backbone {
  private readonly stages: nn.Sequential;

  constructor(scope: nn.Scope, channels: readonly number[]) {
    if (channels.length !== 2) {
      throw new Error(
        `${TOY_BACKBONE} makes 2 feature maps; MODEL.BACKBONE.OUT_CHANNELS has ${channels.length}`,
      );
    }
    this.stages = new nn.Sequential(scope.child('stages'), [
      stage(3, 16),
      stage(16, channels[0]),
      stage(channels[0], channels[1]),
    ]);
  }

  forward(images: tf.Tensor4D, ctx: nn.ForwardContext): tf.Tensor4D[] {
    const a = this.stages.forwardRange(images, ctx, 0, 2);
    return [a, this.stages.forwardRange(a, ctx, 2, 3)];
  }
}

BACKBONES.register(TOY_BACKBONE, (cfg, scope) => new ToyBackbone(scope, cfg.MODEL.BACKBONE.OUT_CHANNELS));

export { type ToyProject, toyConfig, writeToyProject } from './toy-project';
