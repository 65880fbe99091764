/**
 * Emitter registries keyed by module class: the exporter looks a module's class (or nearest registered
 * ancestor) up and lets its emitter write the ONNX nodes for it. A package with its own backbone or layer
 * registers an emitter for it the same way the built-in ones are registered.
 */
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

// biome-ignore lint/suspicious/noExplicitAny: a class of any constructor signature is a valid key.
type Class<M> = abstract new (...args: any[]) => M;

/** Module class → emitter. */
export class EmitterRegistry<I, O> {
  private readonly emitters = new Map<object, Emitter<never, I, O>>();

  /** @param kind what the modules are, for messages (e.g. "layer") */
  constructor(readonly kind: string) {}

  /** Registers the emitter of instances of `type` (and of its subclasses without their own). */
  register<M extends object>(type: Class<M>, emit: Emitter<M, I, O>): void {
    if (this.emitters.has(type))
      throw new Error(`ONNX ${this.kind} emitter for ${type.name} is already registered`);
    this.emitters.set(type, emit as Emitter<never, I, O>);
  }

  /** Emits `module` with the emitter of its class or nearest registered ancestor class. */
  emit(module: object, input: I, ctx: EmitContext): O {
    for (let proto = Object.getPrototypeOf(module); proto; proto = Object.getPrototypeOf(proto)) {
      const emit = this.emitters.get(proto.constructor) as Emitter<object, I, O> | undefined;
      if (emit) return emit(module, input, ctx);
    }
    throw new Error(
      `not supported: exporting ${this.kind} ${module.constructor.name} to ONNX (no emitter registered; add one with the @ssd/onnx ${this.kind.toUpperCase()}_EMITTERS registry)`,
    );
  }
}

/** Feature maps out of a backbone, predictions out of a predictor, outputs out of a box head. */
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
export const LAYER_EMITTERS = new EmitterRegistry<Value, Value>('layer');
/** NCHW images in, feature maps out. */
export const BACKBONE_EMITTERS = new EmitterRegistry<Value, Value[]>('backbone');
/** Feature maps in, class logits and box regressions out. */
export const PREDICTOR_EMITTERS = new EmitterRegistry<Value[], PredictorValues>('predictor');
/** Feature maps in, scores and decoded boxes out. */
export const HEAD_EMITTERS = new EmitterRegistry<Value[], HeadValues>('head');
