/**
 * A toy backbone living outside @ssd/modeling, built only from its public `nn` layers and described as data:
 * three stride-2 stages whose 2nd and 3rd outputs are the feature maps (input/4 and input/8, OUT_CHANNELS
 * wide). It has no forward and no ONNX emitter of its own: @ssd/modeling's generic forward runs it and
 * @ssd/onnx's generic emitter exports it.
 */
import { Backbone, nn } from '@ssd/modeling';

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
export class ToyBackbone extends Backbone {
  constructor(scope: nn.Scope, channels: readonly number[]) {
    if (channels.length !== 2) {
      throw new Error(
        `${TOY_BACKBONE} makes 2 feature maps; MODEL.BACKBONE.OUT_CHANNELS has ${channels.length}`,
      );
    }
    const stages = new nn.Sequential(scope.child('stages'), [
      stage(3, 16),
      stage(16, channels[0]!),
      stage(channels[0]!, channels[1]!),
    ]);
    super({ layers: stages.layers, taps: [2, 3] });
  }
}
