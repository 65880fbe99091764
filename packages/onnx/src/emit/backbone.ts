/**
 * The one backbone emitter: it reads a backbone's topology (the data its generic forward runs) and emits the
 * same walk, each layer through LAYER_EMITTERS. Any backbone made of layers with emitters exports, a plug-in's
 * included, with no emitter of its own.
 */
import type { Backbone } from '@ssd/modeling';
import type { Value } from '../graph/graph-builder';
import type { EmitContext } from './registry';

/** NCHW images in, one value per feature map out, in the order `Backbone.forward` returns them. */
export function emitBackbone(backbone: Backbone, images: Value, ctx: EmitContext): Value[] {
  const { layers, taps, extras } = backbone.topology;
  const features: Value[] = [];
  let x = images;
  let done = 0;
  for (const { at, through } of taps) {
    for (; done < at; done++) x = ctx.layer(layers[done]!, x);
    features.push(through ? ctx.layer(through, x) : x);
  }
  for (; done < layers.length; done++) x = ctx.layer(layers[done]!, x);
  for (const extra of extras) {
    x = ctx.layer(extra, x);
    features.push(x);
  }
  return features;
}
