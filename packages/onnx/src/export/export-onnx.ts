/**
 * The detector as an ONNX model (opset 17): the backbone's topology and the box head walked through the emitter
 * registries, weights as initializers, encoded with protobufjs.
 *
 * Input `images` [N, 3, S, S] float32: RGB, resized to INPUT.IMAGE_SIZE, INPUT.PIXEL_MEAN subtracted (the
 * reference model's input, NCHW). Outputs `scores` [N, P, NUM_CLASSES] (softmax) and `boxes` [N, P, 4]
 * (x1, y1, x2, y2 relative to the image, priors' decoding done in the graph). NMS is left to the caller
 * (our post-processing: `detectionsFromScores`).
 */
import type { SSDDetector } from '@ssd/modeling';
import type * as tf from '@tensorflow/tfjs-core';
import { emitBackbone } from '../emit/backbone';
import {
  type EmitContext,
  emitWith,
  HEAD_EMITTERS,
  LAYER_EMITTERS,
  type WeightLayout,
} from '../emit/registry';
import { BATCH, GraphBuilder, IR_VERSION, ONNX_OPSET, type Value, valueInfo } from '../graph/graph-builder';
import { encodeModel, type ModelProto } from '../proto/onnx-schema';
import { ONNX_BOXES, ONNX_INPUT, ONNX_SCORES } from './io-names';
import { weightData } from './weights';

export { ONNX_BOXES, ONNX_INPUT, ONNX_SCORES } from './io-names';
export { ONNX_OPSET };

/** Options of `exportOnnx`. */
export interface ExportOnnxOptions {
  /** Stored in the model's metadata (`producer_version`). */
  readonly producerVersion?: string;
}

/** Emit context over one graph: initializers named by state_dict key, each variable written once per layout. */
function emitContext(graph: GraphBuilder, model: SSDDetector): EmitContext {
  const names = new Map<tf.Variable, string>();
  for (const [name, variable] of model.stateDict()) names.set(variable, name);
  const written = new Map<string, string>();
  const ctx: EmitContext = {
    graph,
    weight(variable: tf.Variable, layout: WeightLayout): string {
      const key = `${variable.id}:${layout}`;
      let name = written.get(key);
      if (name === undefined) {
        const { data, dims } = weightData(variable, layout);
        name = graph.floats(names.get(variable) ?? variable.name, data, dims);
        written.set(key, name);
      }
      return name;
    },
    layer: (module: object, x: Value) => emitWith(LAYER_EMITTERS, 'layer', module, x, ctx),
  };
  return ctx;
}

/** The ModelProto of `model` (inference mode). */
export function buildOnnxModel(model: SSDDetector, options: ExportOnnxOptions = {}): ModelProto {
  const cfg = model.cfg;
  const size = cfg.INPUT.IMAGE_SIZE;
  const graph = new GraphBuilder();
  const ctx = emitContext(graph, model);
  const images: Value = { name: ONNX_INPUT, shape: [BATCH, 3, size, size] };
  graph.uniqueName(ONNX_INPUT);
  const features = emitBackbone(model.backbone, images, ctx);
  const { scores, boxes } = emitWith(HEAD_EMITTERS, 'head', model.boxHead, features, ctx);
  // Identity nodes give the outputs stable names (ONNX Runtime removes them).
  for (const [name, value] of [
    [ONNX_SCORES, scores],
    [ONNX_BOXES, boxes],
  ] as const) {
    graph.uniqueName(name);
    graph.nodes.push({
      name: `${name}_output`,
      opType: 'Identity',
      input: [value.name],
      output: [name],
      attribute: [],
    });
  }
  const mean = cfg.INPUT.PIXEL_MEAN.join(', ');
  return {
    irVersion: IR_VERSION,
    producerName: 'ssd-ts',
    producerVersion: options.producerVersion ?? '',
    docString: `SSD detector (${cfg.MODEL.BACKBONE.NAME}, ${size}×${size}, ${cfg.MODEL.NUM_CLASSES} classes)`,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    metadataProps: [
      { key: 'ssd.config', value: JSON.stringify(cfg) },
      { key: 'ssd.input', value: `NCHW float32 RGB resized to ${size}x${size}, minus PIXEL_MEAN [${mean}]` },
    ],
    graph: {
      name: 'ssd',
      node: graph.nodes,
      initializer: graph.initializers,
      input: [valueInfo(ONNX_INPUT, images.shape, `RGB ${size}×${size}, minus [${mean}]`)],
      output: [
        valueInfo(ONNX_SCORES, scores.shape, 'class probabilities (softmax), background first'),
        valueInfo(ONNX_BOXES, boxes.shape, 'x1, y1, x2, y2 relative to the image'),
      ],
    },
  };
}

/** The bytes of `model` as a `.onnx` file. */
export function exportOnnx(model: SSDDetector, options: ExportOnnxOptions = {}): Uint8Array {
  return encodeModel(buildOnnxModel(model, options));
}
