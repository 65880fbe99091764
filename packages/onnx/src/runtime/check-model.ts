/**
 * Load-time checks of a `.onnx` file against what `ssd export` writes for the config: input `images`
 * float32 [N, 3, S, S], outputs `scores` float32 [N, P, C] and `boxes` float32 [N, P, 4] (P the config's prior
 * count, C its class count), and every tensor in between bounded by the input (static shapes, linear in the
 * batch). A model failing them is refused before ONNX Runtime sees it; one passing them cannot make ONNX
 * Runtime allocate more than a fixed multiple of its input.
 */
import { buildPriors } from '@ssd/boxes';
import type { SSDConfig } from '@ssd/config';
import { cutText } from '@ssd/files';
import { ONNX_BOXES, ONNX_INPUT, ONNX_SCORES } from '../export/io-names';
import { decodeModel, type ModelProto, TENSOR_FLOAT, type ValueInfoProto } from '../proto/onnx-schema';
import { GraphShapeError, inferShapes, type Shape } from './graph-shapes';
import { OnnxModelError } from './model-error';
import { readModelFile } from './read-model';

export { OnnxModelError } from './model-error';

/**
 * Most elements any one tensor of the graph may hold, per input element: VGG's first convolutions hold 21×
 * their input (64 channels of a 3-channel image), so this leaves a plug-in backbone ten times that.
 */
const MAX_VALUE_FACTOR = 256;

/**
 * Most elements all the graph's tensors together may hold, per input element: the exports of the reference's
 * models hold 97× (MobileNetV3) to 378× (EfficientNet-B3) their input.
 */
const MAX_TOTAL_FACTOR = 2048;

/** What an ssd export of `cfg` declares: its image size, prior count and class count. */
export interface ExpectedExport {
  readonly size: number;
  readonly priors: number;
  readonly classes: number;
}

/** The input and output shapes `ssd export` writes for `cfg`. */
export function expectedExport(cfg: SSDConfig): ExpectedExport {
  return {
    size: cfg.INPUT.IMAGE_SIZE,
    priors: buildPriors(cfg).length / 4,
    classes: cfg.MODEL.NUM_CLASSES,
  };
}

/** A declared dimension: its value, or 'N' (any symbolic one). */
function dims(value: ValueInfoProto): (number | 'N')[] | undefined {
  const tensor = value.type?.tensorType;
  if (!tensor?.shape?.dim) return undefined;
  return tensor.shape.dim.map((d) =>
    'dimValue' in d && d.dimValue !== undefined ? Number(d.dimValue) : 'N',
  );
}

const show = (shape: readonly (number | string)[]) => `[${shape.join(', ')}]`;

/** Why `value` is not a float32 tensor of `want`, or undefined when it is. */
function mismatch(value: ValueInfoProto, want: readonly (number | 'N')[]): string | undefined {
  const elem = value.type?.tensorType?.elemType;
  if (elem !== TENSOR_FLOAT)
    return `'${value.name}' holds elements of ONNX type ${elem ?? 'unknown'}, not float32`;
  const got = dims(value);
  if (!got || got.length !== want.length || got.some((d, i) => d !== want[i])) {
    return `'${value.name}' is ${got ? show(got) : 'of unknown shape'}, not ${show(want)}`;
  }
  return undefined;
}

/** Decodes a `.onnx` file (read here unless its bytes are given); errors name it. */
function readModel(file: string, given?: Uint8Array): { model: ModelProto; bytes: number } {
  const bytes = given ?? readModelFile(file);
  try {
    return { model: decodeModel(bytes), bytes: bytes.byteLength };
  } catch (e) {
    throw new OnnxModelError(
      `cannot load ONNX model ${file}: it is not an ONNX model (${cutText((e as Error).message)})`,
    );
  }
}

/**
 * Checks the `.onnx` file (or its `bytes`, named `file`) against the export `cfg` describes (names, dtypes and
 * shapes of its input and outputs) and refuses graphs whose tensors its input does not bound; every refusal
 * names the file.
 */
export function checkOnnxModel(file: string, cfg: SSDConfig, bytes?: Uint8Array): void {
  const { model, bytes: size } = readModel(file, bytes);
  const graph = model.graph;
  if (!graph) throw new OnnxModelError(`cannot load ONNX model ${file}: it has no graph`);
  const initializers = graph.initializer ?? [];
  const constant = new Set(initializers.map((t) => t.name));
  const inputs = (graph.input ?? []).filter((v) => !constant.has(v.name));
  const outputs = graph.output ?? [];
  const names = (values: readonly ValueInfoProto[]) =>
    values.map((v) => cutText(v.name, 80)).join(', ') || 'none';
  const input = inputs.find((v) => v.name === ONNX_INPUT);
  const scores = outputs.find((v) => v.name === ONNX_SCORES);
  const boxes = outputs.find((v) => v.name === ONNX_BOXES);
  if (inputs.length !== 1 || !input || outputs.length !== 2 || !scores || !boxes) {
    throw new OnnxModelError(
      `${file} is not an ssd export: expected input '${ONNX_INPUT}' and outputs '${ONNX_SCORES}', '${ONNX_BOXES}'; it has inputs ${names(inputs)} and outputs ${names(outputs)}`,
    );
  }
  const want = expectedExport(cfg);
  const misfit = (why: string) =>
    new OnnxModelError(
      `${file} does not fit the config: ${why}; is the config the one it was exported with?`,
    );
  const declaredIn = dims(input);
  if (declaredIn?.length === 4 && declaredIn[2] !== want.size && typeof declaredIn[2] === 'number') {
    throw misfit(`its input is ${declaredIn[2]}×${declaredIn[3]} but INPUT.IMAGE_SIZE is ${want.size}`);
  }
  const declaredScores = dims(scores);
  if (
    declaredScores?.length === 3 &&
    typeof declaredScores[2] === 'number' &&
    declaredScores[2] !== want.classes
  ) {
    throw misfit(`it gives ${declaredScores[2]} classes but MODEL.NUM_CLASSES is ${want.classes}`);
  }
  if (
    declaredScores?.length === 3 &&
    typeof declaredScores[1] === 'number' &&
    declaredScores[1] !== want.priors
  ) {
    throw misfit(`it gives ${declaredScores[1]} boxes per image but MODEL.PRIORS defines ${want.priors}`);
  }
  const wrong =
    mismatch(input, ['N', 3, want.size, want.size]) ??
    mismatch(scores, ['N', want.priors, want.classes]) ??
    mismatch(boxes, ['N', want.priors, 4]);
  if (wrong) throw new OnnxModelError(`${file} is not an ssd export for this config: ${wrong}`);

  // Shapes for batches of 1, 2 and 3: each tensor must be fixed, or N times one image's.
  const perImage = 3 * want.size * want.size;
  const runs = [1, 2, 3].map((n) => {
    try {
      return inferShapes(
        {
          nodes: graph.node ?? [],
          initializers,
          input: { name: ONNX_INPUT, shape: [n, 3, want.size, want.size] },
        },
        { maxElements: n * MAX_VALUE_FACTOR * perImage, fileBytes: size },
      );
    } catch (e) {
      if (e instanceof GraphShapeError) throw new OnnxModelError(`${file}: ${e.message}`);
      throw e;
    }
  });
  const count = (shape: Shape) => shape.reduce((a, b) => a * b, 1);
  let total = 0;
  for (const [name, one] of runs[0]!) {
    if (!one.fromInput) continue;
    total += count(one.shape);
    const [two, three] = [runs[1]!.get(name)!, runs[2]!.get(name)!];
    if (count(two.shape) !== 2 * count(one.shape) || count(three.shape) !== 3 * count(one.shape)) {
      throw new OnnxModelError(
        `${file}: tensor '${cutText(name)}' is ${show(one.shape)} for one image but ${show(three.shape)} for three: its size does not follow the batch`,
      );
    }
  }
  if (total > MAX_TOTAL_FACTOR * perImage) {
    throw new OnnxModelError(
      `${file}: its tensors hold ${total} elements for one image, more than the ${MAX_TOTAL_FACTOR * perImage} its input bounds (${MAX_TOTAL_FACTOR}× its ${perImage})`,
    );
  }
  for (const [value, last] of [
    [ONNX_SCORES, want.classes],
    [ONNX_BOXES, 4],
  ] as const) {
    const computed = runs[0]!.get(value)?.shape;
    if (!computed || show(computed) !== show([1, want.priors, last])) {
      throw new OnnxModelError(
        `${file}: its graph computes '${value}' as ${computed ? show(computed) : 'nothing'} for one image, though it declares ${show(['N', want.priors, last])}`,
      );
    }
  }
}

/** Checks what a run gave for `batch` images: the shapes the export declares, or an error naming the model. */
export function checkRunOutputs(
  file: string,
  want: ExpectedExport,
  batch: number,
  outputs: Readonly<Record<string, { dims: readonly number[]; data: unknown }>>,
): void {
  for (const [name, last] of [
    [ONNX_SCORES, want.classes],
    [ONNX_BOXES, 4],
  ] as const) {
    const out = outputs[name];
    const expected = [batch, want.priors, last];
    if (!out || !(out.data instanceof Float32Array) || show(out.dims) !== show(expected)) {
      throw new OnnxModelError(
        `the ONNX model ${file} gave '${name}' as ${out ? `${show(out.dims)} ${out.data instanceof Float32Array ? 'float32' : 'non-float32'}` : 'nothing'}, not float32 ${show(expected)}: the model is at fault, not the images`,
      );
    }
  }
}
