/**
 * A backbone described as data: the layers it runs, which of their outputs are feature maps, and the extra
 * layers after them. One generic forward runs every backbone, the built-in ones and plug-ins alike, and an
 * exporter (@ssd/onnx) reads the same description, so a backbone built from `nn` layers needs no code of
 * its own beyond building them.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext, Module } from '../nn/module';
import { runLayers } from '../nn/run-layers';

/**
 * A feature map taken from the trunk: its output after the first `at` layers, passed through `through` when
 * given (VGG's L2Norm on conv4_3), which gives the feature map but does not feed the trunk.
 */
export interface FeatureTap {
  readonly at: number;
  readonly through?: Module;
}

/** What a backbone runs, as data. */
export interface BackboneTopology {
  /** The trunk: modules run in order, each on the previous one's output. */
  readonly layers: readonly Module[];
  /**
   * Trunk outputs that are feature maps, in increasing order: a number `n` is the output after the first `n`
   * layers (`{ at: n }`).
   */
  readonly taps: readonly (number | FeatureTap)[];
  /** After the whole trunk: modules run in order on the previous output, each output a feature map. */
  readonly extras?: readonly Module[];
}

/** A topology with its taps in object form and its extras present. */
export interface ResolvedTopology {
  readonly layers: readonly Module[];
  readonly taps: readonly FeatureTap[];
  readonly extras: readonly Module[];
}

/** Checks a topology and puts it in object form; errors name what is wrong. */
function resolve(topology: BackboneTopology): ResolvedTopology {
  const layers = [...topology.layers];
  const extras = [...(topology.extras ?? [])];
  const taps = topology.taps.map((t) => (typeof t === 'number' ? { at: t } : { ...t }));
  let previous = 0;
  for (const [i, { at }] of taps.entries()) {
    if (!Number.isInteger(at) || at <= previous || at > layers.length) {
      throw new Error(
        `backbone topology: tap ${i} is at ${at}; taps must be whole numbers of layers, increasing, from 1 to the ${layers.length} layers`,
      );
    }
    previous = at;
  }
  if (taps.length + extras.length === 0)
    throw new Error('backbone topology: no taps and no extras, so no feature maps');
  if (extras.length === 0 && previous < layers.length) {
    throw new Error(
      `backbone topology: layers ${previous} to ${layers.length - 1} come after the last tap and feed no feature map`,
    );
  }
  return { layers, taps, extras };
}

/**
 * Maps a batch of mean-subtracted NHWC images to the feature maps the box predictor reads, one per entry of
 * MODEL.PRIORS.FEATURE_MAPS with MODEL.BACKBONE.OUT_CHANNELS channels each: the taps' in order, then one per
 * extra. Built-in backbones subclass it to build their layers; a plug-in can too, or construct one directly.
 */
export class Backbone {
  readonly topology: ResolvedTopology;

  constructor(topology: BackboneTopology) {
    this.topology = resolve(topology);
  }

  forward(images: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D[] {
    const { layers, taps, extras } = this.topology;
    const features: tf.Tensor4D[] = [];
    let x = images;
    let done = 0;
    for (const { at, through } of taps) {
      x = runLayers(layers, x, ctx, done, at);
      done = at;
      features.push(through ? through.forward(x, ctx) : x);
    }
    x = runLayers(layers, x, ctx, done);
    for (const extra of extras) {
      x = extra.forward(x, ctx);
      features.push(x);
    }
    return features;
  }
}
