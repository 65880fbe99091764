/**
 * Emitter registries keyed by module class (the one `Registry` of @ssd/config): the exporter looks a module's
 * class (or nearest registered ancestor) up and lets its emitter write the ONNX nodes for it. A package with
 * its own layer registers an emitter for it the same way the built-in ones are registered; a backbone needs
 * none of its own: the generic emitter writes it from its topology, layer by layer.
 */
import { Registry } from '@ssd/config';
import type * as tf from '@tensorflow/tfjs-core';
import type { GraphBuilder, Value } from '../graph/graph-builder';

/** How a variable's NHWC/HWIO values are laid out as an ONNX initializer. */
export type WeightLayout =
  /** As stored (vectors, Linear [in, out] for Gemm). */
  | 'same'
  /** HWIO [kh, kw, in, out] → OIHW [out, in, kh, kw]. */
  | 'conv'
  /** [kh, kw, C, M] → [C·M, 1, kh, kw] (group = C). */
  | 'depthwise'
  /** A per-channel vector [C] → [1, C, 1, 1], to broadcast over NCHW. */
  | 'channel';

/** What an emitter gets besides its module and input. */
export interface EmitContext {
  readonly graph: GraphBuilder;
  /** The initializer holding `variable` in `layout`, named by its state_dict key. */
  weight(variable: tf.Variable, layout: WeightLayout): string;
  /** Emits a one-in, one-out layer through LAYER_EMITTERS. */
  layer(module: object, x: Value): Value;
}

/** Writes the nodes for one module of type `M`. */
export type Emitter<M, I, O> = (module: M, input: I, ctx: EmitContext) => O;

/** A module class (any constructor signature). */
// biome-ignore lint/suspicious/noExplicitAny: a class of any constructor signature is a valid key.
export type ModuleClass<M extends object = object> = abstract new (...args: any[]) => M;

/** Module class → emitter of its instances, from `I` to `O`. */
export type EmitterRegistry<I, O> = Registry<Emitter<never, I, O>, ModuleClass>;

function emitterRegistry<I, O>(kind: string): EmitterRegistry<I, O> {
  return new Registry<Emitter<never, I, O>, ModuleClass>(`ONNX ${kind} emitter`, null, (type) => type.name);
}

/** Registers `emit` for instances of `type` (and of its subclasses without their own), typed together. */
export function registerEmitter<M extends object, I, O>(
  registry: EmitterRegistry<I, O>,
  type: ModuleClass<M>,
  emit: Emitter<M, I, O>,
): void {
  registry.register(type, emit as Emitter<never, I, O>);
}

/**
 * Emits `module` with the emitter of its class or nearest registered ancestor class; `what` names the
 * registry in the error when there is none (e.g. "layer" for LAYER_EMITTERS).
 */
export function emitWith<I, O>(
  registry: EmitterRegistry<I, O>,
  what: string,
  module: object,
  input: I,
  ctx: EmitContext,
): O {
  for (let proto = Object.getPrototypeOf(module); proto; proto = Object.getPrototypeOf(proto)) {
    const type = proto.constructor as ModuleClass;
    if (registry.has(type)) return (registry.get(type) as Emitter<object, I, O>)(module, input, ctx);
  }
  throw new Error(
    `not supported: exporting ${what} ${module.constructor.name} to ONNX (no emitter registered; add one with the @ssd/onnx ${what.toUpperCase()}_EMITTERS registry)`,
  );
}

/** The predictor's outputs: class logits [N, P, C] and box regressions [N, P, 4]. */
export interface PredictorValues {
  readonly clsLogits: Value;
  readonly bboxPred: Value;
}

/** The box head's exported outputs: softmax scores [N, P, C] and relative corner boxes [N, P, 4]. */
export interface HeadValues {
  readonly scores: Value;
  readonly boxes: Value;
}

/** One tensor in, one out (nn layers, blocks). */
export const LAYER_EMITTERS: EmitterRegistry<Value, Value> = emitterRegistry('layer');
/** Feature maps in, class logits and box regressions out. */
export const PREDICTOR_EMITTERS: EmitterRegistry<Value[], PredictorValues> = emitterRegistry('predictor');
/** Feature maps in, scores and decoded boxes out. */
export const HEAD_EMITTERS: EmitterRegistry<Value[], HeadValues> = emitterRegistry('head');
