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
  if (!Array.isArray(topology?.layers) || !Array.isArray(topology.taps)) {
    throw new Error('backbone topology: needs `layers` and `taps` arrays (and optionally `extras`)');
  }
  const notModule = (list: readonly Module[], name: string) => {
    const i = list.findIndex((m) => typeof (m as Partial<Module> | null)?.forward !== 'function');
    if (i >= 0) throw new Error(`backbone topology: ${name}[${i}] is not a module (it has no forward)`);
  };
  notModule(topology.layers, 'layers');
  notModule(topology.extras ?? [], 'extras');
  notModule(
    topology.taps.flatMap((t) => (typeof t === 'object' && t.through !== undefined ? [t.through] : [])),
    'taps[].through',
  );
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
 * Walks a topology the way the forward pass does, over values of any kind: `run(start, end, x)` runs trunk
 * layers [start, end) on `x`, `apply(module, x)` runs a tap's `through` module or an extra. Returns the
 * feature maps in order: the taps', then one per extra. `Backbone.forward` walks tensors through here and
 * @ssd/onnx walks graph values, so what a topology means is written once.
 */
export function walkTopology<T>(
  topology: ResolvedTopology,
  input: T,
  run: (start: number, end: number, x: T) => T,
  apply: (module: Module, x: T) => T,
): T[] {
  const features: T[] = [];
  let x = input;
  let done = 0;
  for (const { at, through } of topology.taps) {
    x = run(done, at, x);
    done = at;
    features.push(through ? apply(through, x) : x);
  }
  x = run(done, topology.layers.length, x);
  for (const extra of topology.extras) {
    x = apply(extra, x);
    features.push(x);
  }
  return features;
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

  /** The one forward of every backbone: the trunk with `runLayers` (fused where it can), taps and extras. */
  forward(images: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D[] {
    const { layers } = this.topology;
    return walkTopology(
      this.topology,
      images,
      (start, end, x) => runLayers(layers, x, ctx, start, end),
      (module, x) => module.forward(x, ctx),
    );
  }
}
