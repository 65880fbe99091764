/**
 * Static shape inference over an ONNX graph, for the operators an ssd export writes (and a few of the same
 * kind): every value's shape from the input's, so a graph whose tensors are not bounded by its input (a
 * ConstantOfShape of [1, 5e7, 6], a Concat doubling itself thirty times, a broadcast of two small constants
 * into gigabytes) is refused before ONNX Runtime allocates anything. Operators whose output size comes from
 * data (ConstantOfShape, Expand, Tile, Range, Resize, loops…) are not supported at all.
 */
import { cutText } from '@ssd/files';
import type { AttributeProto, NodeProto, TensorProto } from '../proto/onnx-schema';

/** A shape; every dimension known. */
export type Shape = readonly number[];

/** Why a graph cannot be run: the message says which node and what. */
export class GraphShapeError extends Error {}

const TENSOR_INT64 = 7;
const ITEM_BYTES: Record<number, number> = { 1: 4, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8 };

/** What is known of one value: its shape, whether it depends on the graph input, and its values if constant int64. */
interface Known {
  shape: Shape;
  fromInput: boolean;
  ints?: readonly number[];
}

const count = (shape: Shape) => shape.reduce((a, b) => a * b, 1);

function attribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

function intAttr(node: NodeProto, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a?.i ?? fallback;
}

function intsAttr(node: NodeProto, name: string): number[] | undefined {
  const a = attribute(node, name);
  return a?.ints ? a.ints.map(Number) : undefined;
}

/** The int64 values of a small constant initializer (shapes, axes, slice bounds), when it is one. */
function int64Values(t: TensorProto & { int64Data?: number[] }): number[] | undefined {
  if (t.dataType !== TENSOR_INT64) return undefined;
  const n = count(t.dims ?? []);
  if (n > 64) return undefined;
  if (t.int64Data?.length) return t.int64Data.map(Number);
  if (!t.rawData || t.rawData.byteLength !== 8 * n) return undefined;
  const copy = new Uint8Array(t.rawData);
  return Array.from(new BigInt64Array(copy.buffer, 0, n), (v) => Number(v));
}

/** Numpy broadcasting of two shapes. */
function broadcast(a: Shape, b: Shape, fail: (why: string) => never): Shape {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1)
      fail(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Output length of a window (convolution, pooling) along one axis. */
function windowed(
  size: number,
  kernel: number,
  stride: number,
  pads: number,
  dilation: number,
  ceil: boolean,
) {
  const span = size + pads - dilation * (kernel - 1) - 1;
  return (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
}

type Rule = (node: NodeProto, inputs: Known[], fail: (why: string) => never) => Shape;

const sameAsFirst: Rule = (_node, [x]) => x!.shape;

function normAxis(axis: number, rank: number, fail: (why: string) => never): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!(a >= 0 && a < rank)) fail(`axis ${axis} is outside rank ${rank}`);
  return a;
}

/** Constant int64 values of input `i`, or a refusal: sizes computed at run time cannot be bounded. */
function constInts(
  inputs: Known[],
  i: number,
  what: string,
  fail: (why: string) => never,
): readonly number[] {
  const values = inputs[i]?.ints;
  if (!values)
    fail(`its ${what} is not a constant initializer (a size computed at run time cannot be bounded)`);
  return values;
}

function windowRule(pooling: boolean): Rule {
  return (node, [x, w], fail) => {
    if (x!.shape.length !== 4) fail(`expects a 4-D input, got [${x!.shape.join(', ')}]`);
    const autoPad = attribute(node, 'auto_pad');
    if (autoPad?.s && new TextDecoder().decode(autoPad.s) !== 'NOTSET') fail('auto_pad is not supported');
    const [n, c, h, wd] = x!.shape as [number, number, number, number];
    const kernel = intsAttr(node, 'kernel_shape') ?? (w ? [w.shape[2]!, w.shape[3]!] : undefined);
    const strides = intsAttr(node, 'strides') ?? [1, 1];
    const dilations = intsAttr(node, 'dilations') ?? [1, 1];
    const pads = intsAttr(node, 'pads') ?? [0, 0, 0, 0];
    if (kernel?.length !== 2 || strides.length !== 2 || dilations.length !== 2 || pads.length !== 4) {
      return fail('has no 2-D kernel_shape, strides, dilations or pads');
    }
    const ceil = intAttr(node, 'ceil_mode', 0) === 1;
    const all = [...kernel, ...strides, ...dilations];
    if (
      !all.every((v) => Number.isSafeInteger(v) && v >= 1) ||
      !pads.every((v) => Number.isSafeInteger(v) && v >= 0)
    ) {
      fail('has a kernel, stride, dilation or padding out of range');
    }
    const oh = windowed(h, kernel[0]!, strides[0]!, pads[0]! + pads[2]!, dilations[0]!, ceil);
    const ow = windowed(wd, kernel[1]!, strides[1]!, pads[1]! + pads[3]!, dilations[1]!, ceil);
    if (oh < 1 || ow < 1) fail(`gives an empty output from [${x!.shape.join(', ')}]`);
    if (pooling) return [n, c, oh, ow];
    const group = intAttr(node, 'group', 1);
    if (w?.shape.length !== 4) fail('has no 4-D weight');
    if (c !== w.shape[1]! * group)
      fail(`input has ${c} channels but its weight takes ${w.shape[1]} in ${group} group(s)`);
    return [n, w.shape[0]!, oh, ow];
  };
}

function reduceRule(node: NodeProto, [x]: Known[], fail: (why: string) => never): Shape {
  const rank = x!.shape.length;
  const axes = (intsAttr(node, 'axes') ?? x!.shape.map((_, i) => i)).map((a) => normAxis(a, rank, fail));
  const keep = intAttr(node, 'keepdims', 1) === 1;
  return x!.shape.flatMap((d, i) => (axes.includes(i) ? (keep ? [1] : []) : [d]));
}

/** Shape rules by operator: those an ssd export writes, and a few of the same kind. */
const RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ...[
    'Identity',
    'Relu',
    'LeakyRelu',
    'Sigmoid',
    'HardSigmoid',
    'HardSwish',
    'Tanh',
    'Exp',
    'Sqrt',
    'Neg',
    'Abs',
  ].map((op) => [op, sameAsFirst] as const),
  ['Softmax', sameAsFirst],
  ['Clip', sameAsFirst],
  ['BatchNormalization', sameAsFirst],
  ...['Add', 'Sub', 'Mul', 'Div'].map(
    (op) => [op, ((_n, [a, b], fail) => broadcast(a!.shape, b!.shape, fail)) as Rule] as const,
  ),
  ['Conv', windowRule(false)],
  ['MaxPool', windowRule(true)],
  ['AveragePool', windowRule(true)],
  ['GlobalAveragePool', (_n, [x]) => [...x!.shape.slice(0, 2), ...x!.shape.slice(2).map(() => 1)]],
  ['GlobalMaxPool', (_n, [x]) => [...x!.shape.slice(0, 2), ...x!.shape.slice(2).map(() => 1)]],
  ['ReduceSumSquare', reduceRule],
  ['ReduceMean', reduceRule],
  ['ReduceMax', reduceRule],
  [
    'Gemm',
    (node, [a, b], fail) => {
      if (a!.shape.length !== 2 || b!.shape.length !== 2) fail('expects 2-D operands');
      const [m, k] = intAttr(node, 'transA', 0) ? [a!.shape[1]!, a!.shape[0]!] : [a!.shape[0]!, a!.shape[1]!];
      const [k2, n] = intAttr(node, 'transB', 0)
        ? [b!.shape[1]!, b!.shape[0]!]
        : [b!.shape[0]!, b!.shape[1]!];
      if (k !== k2) fail(`multiplies [${m}, ${k}] by [${k2}, ${n}]`);
      return [m, n];
    },
  ],
  [
    'MatMul',
    (_n, [a, b], fail) => {
      if (a!.shape.length < 2 || b!.shape.length < 2) fail('expects operands of rank 2 or more');
      const [m, k] = a!.shape.slice(-2) as [number, number];
      const [k2, n] = b!.shape.slice(-2) as [number, number];
      if (k !== k2) fail(`multiplies [.., ${m}, ${k}] by [.., ${k2}, ${n}]`);
      return [...broadcast(a!.shape.slice(0, -2), b!.shape.slice(0, -2), fail), m, n];
    },
  ],
  [
    'Flatten',
    (node, [x], fail) => {
      const axis = normAxis(intAttr(node, 'axis', 1), x!.shape.length + 1, fail);
      return [count(x!.shape.slice(0, axis)), count(x!.shape.slice(axis))];
    },
  ],
  [
    'Reshape',
    (node, inputs, fail) => {
      const x = inputs[0]!.shape;
      const target = constInts(inputs, 1, 'shape', fail);
      const allowZero = intAttr(node, 'allowzero', 0) === 1;
      const out = target.map((d, i) =>
        d === 0 && !allowZero ? (x[i] ?? fail('copies a dimension it lacks')) : d,
      );
      const inferred = out.filter((d) => d === -1).length;
      if (inferred > 1 || out.some((d) => d < -1)) fail(`has a bad target shape [${target.join(', ')}]`);
      const known = count(out.filter((d) => d !== -1));
      if (inferred) {
        if (known === 0 || count(x) % known !== 0)
          fail(`cannot reshape [${x.join(', ')}] to [${target.join(', ')}]`);
        return out.map((d) => (d === -1 ? count(x) / known : d));
      }
      if (known !== count(x)) fail(`cannot reshape [${x.join(', ')}] to [${target.join(', ')}]`);
      return out;
    },
  ],
  [
    'Transpose',
    (node, [x], fail) => {
      const rank = x!.shape.length;
      const perm = intsAttr(node, 'perm') ?? x!.shape.map((_, i) => rank - 1 - i);
      if (perm.length !== rank || new Set(perm.map((p) => normAxis(p, rank, fail))).size !== rank)
        fail('has a bad perm');
      return perm.map((p) => x!.shape[p]!);
    },
  ],
  [
    'Concat',
    (node, inputs, fail) => {
      const first = inputs[0]!.shape;
      const axis = normAxis(intAttr(node, 'axis', 0), first.length, fail);
      let along = 0;
      for (const { shape } of inputs) {
        if (shape.length !== first.length || shape.some((d, i) => i !== axis && d !== first[i])) {
          fail(`joins [${first.join(', ')}] and [${shape.join(', ')}] along axis ${axis}`);
        }
        along += shape[axis]!;
      }
      return first.map((d, i) => (i === axis ? along : d));
    },
  ],
  [
    'Slice',
    (_node, inputs, fail) => {
      const x = inputs[0]!.shape;
      const starts = constInts(inputs, 1, 'starts', fail);
      const ends = constInts(inputs, 2, 'ends', fail);
      const axes = inputs[3] ? constInts(inputs, 3, 'axes', fail) : starts.map((_, i) => i);
      const steps = inputs[4] ? constInts(inputs, 4, 'steps', fail) : starts.map(() => 1);
      const out = [...x];
      axes.forEach((a, i) => {
        const axis = normAxis(a, x.length, fail);
        const size = x[axis]!;
        const step = steps[i]!;
        if (step === 0) fail('has a step of 0');
        const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + size : v, lo), hi);
        const [lo, hi] = step > 0 ? [0, size] : [-1, size - 1];
        const from = clamp(starts[i]!, lo, hi);
        const to = clamp(ends[i]!, lo, hi);
        out[axis] = Math.max(0, Math.ceil((to - from) / step));
      });
      return out;
    },
  ],
  [
    'Unsqueeze',
    (node, inputs, fail) => {
      const x = inputs[0]!.shape;
      const axes = intsAttr(node, 'axes') ?? constInts(inputs, 1, 'axes', fail);
      const rank = x.length + axes.length;
      const at = new Set(axes.map((a) => normAxis(a, rank, fail)));
      const rest = [...x];
      return Array.from({ length: rank }, (_, i) => (at.has(i) ? 1 : rest.shift()!));
    },
  ],
  [
    'Pad',
    (_node, inputs, fail) => {
      const x = inputs[0]!.shape;
      const pads = constInts(inputs, 1, 'pads', fail);
      if (pads.length !== 2 * x.length || pads.some((p) => p < 0)) fail(`has bad pads [${pads.join(', ')}]`);
      return x.map((d, i) => d + pads[i]! + pads[i + x.length]!);
    },
  ],
]);

/** The operators whose shapes are known here, for messages. */
export const SHAPED_OPERATORS: readonly string[] = [...RULES.keys()].sort();

/** A graph to infer shapes over. */
export interface ShapeGraph {
  nodes: readonly NodeProto[];
  initializers: readonly TensorProto[];
  /** The graph input's name and its shape for the batch being inferred. */
  input: { name: string; shape: Shape };
}

/**
 * Every value's shape for one batch size (nodes in the order the file gives, as ONNX requires them
 * topologically sorted). Refuses unknown operators, other domains, values used before they are made, and
 * any value holding more than `maxElements`; `fileBytes` bounds what initializers may claim to hold.
 */
export function inferShapes(
  graph: ShapeGraph,
  limits: { maxElements: number; fileBytes: number },
): Map<string, Known> {
  const known = new Map<string, Known>();
  for (const t of graph.initializers) {
    const dims = (t.dims ?? []).map(Number);
    const elements = count(dims);
    if (
      !dims.every((d) => Number.isSafeInteger(d) && d >= 0) ||
      elements * (ITEM_BYTES[t.dataType] ?? 1) > limits.fileBytes
    ) {
      throw new GraphShapeError(
        `initializer '${cutText(t.name)}' claims a shape [${dims.join(', ')}] larger than the file`,
      );
    }
    known.set(t.name, { shape: dims, fromInput: false, ints: int64Values(t) });
  }
  known.set(graph.input.name, { shape: graph.input.shape, fromInput: true });
  for (const [index, node] of graph.nodes.entries()) {
    const label = `node ${index} ('${cutText(node.name || '')}', ${cutText(node.opType)})`;
    const fail = (why: string): never => {
      throw new GraphShapeError(`${label} ${why}`);
    };
    const domain = (node as NodeProto & { domain?: string }).domain;
    if (domain && domain !== 'ai.onnx') fail(`is in operator domain '${cutText(domain)}', not ONNX's own`);
    const rule = RULES.get(node.opType);
    if (!rule) {
      throw new GraphShapeError(
        `not supported: ${label}: an ssd export uses only ${SHAPED_OPERATORS.join(', ')}, whose output sizes follow from the input's`,
      );
    }
    const inputs = node.input.map((name) =>
      name === '' ? undefined : (known.get(name) ?? fail(`reads '${cutText(name)}' before it is made`)),
    );
    if (!inputs[0]) fail('has no input');
    const shape = rule(node, inputs as Known[], fail);
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail(`gives a bad shape [${shape.join(', ')}]`);
    if (count(shape) > limits.maxElements) {
      fail(
        `gives [${shape.join(', ')}], ${count(shape)} elements: more than the ${limits.maxElements} its input bounds`,
      );
    }
    const fromInput = inputs.some((k) => k?.fromInput);
    for (const output of node.output) if (output) known.set(output, { shape, fromInput });
  }
  return known;
}
