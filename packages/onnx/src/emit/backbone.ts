/**
 * The one backbone emitter: it walks a backbone's topology (the data its generic forward runs, with the same
 * `walkTopology`), each layer through LAYER_EMITTERS. Any backbone made of layers with emitters exports, a
 * plug-in's included, with no emitter of its own.
 */
import { type Backbone, walkTopology } from '@ssd/modeling';
import type { Value } from '../graph/graph-builder';
import type { EmitContext } from './registry';

/** NCHW images in, one value per feature map out, in the order `Backbone.forward` returns them. */
export function emitBackbone(backbone: Backbone, images: Value, ctx: EmitContext): Value[] {
  const { layers } = backbone.topology;
  return walkTopology(
    backbone.topology,
    images,
    (start, end, x) => layers.slice(start, end).reduce((y, layer) => ctx.layer(layer, y), x),
    (module, x) => ctx.layer(module, x),
  );
}
