import { BatchNorm2d } from './batch-norm';
import { Conv2d } from './conv';
import type { ModuleFactory } from './module';
import { Sequential } from './sequential';

/** Kernel, stride and groups of a `convBNActivation` block. */
export interface ConvBNOptions {
  readonly kernelSize?: number;
  readonly stride?: number;
  readonly groups?: number;
}

/**
 * `0` conv k×k (no bias, padding (k − 1) / 2) → `1` BatchNorm → `2` activation, as MobileNets build their
 * ConvBNReLU / conv_bn blocks (Sequential fuses the three at inference).
 */
export function convBNActivation(
  inChannels: number,
  outChannels: number,
  activation: ModuleFactory,
  { kernelSize = 3, stride = 1, groups = 1 }: ConvBNOptions = {},
): ModuleFactory {
  return (scope) =>
    new Sequential(scope, [
      (s) =>
        new Conv2d(s, {
          inChannels,
          outChannels,
          kernelSize,
          stride,
          padding: (kernelSize - 1) / 2,
          groups,
          bias: false,
        }),
      (s) => new BatchNorm2d(s, { numFeatures: outChannels }),
      activation,
    ]);
}
