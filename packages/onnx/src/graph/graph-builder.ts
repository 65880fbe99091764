/** Accumulates an ONNX graph: nodes in topological order, constants as initializers, unique names. */
import {
  ATTRIBUTE_TYPE,
  type AttributeProto,
  type Dimension,
  type NodeProto,
  TENSOR_FLOAT,
  TENSOR_INT64,
  type TensorProto,
  type ValueInfoProto,
} from '../proto/onnx-schema';

/** The ONNX operator set our graphs use. */
export const ONNX_OPSET = 17;
/** The IR version that goes with opset 17. */
export const IR_VERSION = 8;

/** An attribute value, tagged with its ONNX type. */
export type Attribute =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] };

/** A tensor in the graph: its name and NCHW-style shape, the batch (first) dimension symbolic (-1). */
export interface Value {
  readonly name: string;
  readonly shape: readonly number[];
}

/** The batch dimension in a `Value`'s shape. */
export const BATCH = -1;

/** A float32 graph input or output of `shape` (BATCH as the symbolic dimension N). */
export function valueInfo(name: string, shape: readonly number[], docString = ''): ValueInfoProto {
  const dim: Dimension[] = shape.map((d) => (d === BATCH ? { dimParam: 'N' } : { dimValue: d }));
  return { name, docString, type: { tensorType: { elemType: TENSOR_FLOAT, shape: { dim } } } };
}

function toAttribute(name: string, value: Attribute): AttributeProto {
  if ('int' in value) return { name, type: ATTRIBUTE_TYPE.INT, i: value.int };
  if ('float' in value) return { name, type: ATTRIBUTE_TYPE.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: ATTRIBUTE_TYPE.INTS, ints: [...value.ints] };
  return { name, type: ATTRIBUTE_TYPE.FLOATS, floats: [...value.floats] };
}

function bytesOf(data: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Builds one graph; `nodes` and `initializers` are read by the exporter when done. */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly taken = new Set<string>();
  private readonly constants = new Map<string, string>();

  /** `base` if unused, else `base_2`, `base_3`, …: ONNX names must be unique in a graph. */
  uniqueName(base: string): string {
    let name = base;
    for (let k = 2; this.taken.has(name); k++) name = `${base}_${k}`;
    this.taken.add(name);
    return name;
  }

  /** Adds a node with one output of the given shape (named `outputName` if given, e.g. a graph output). */
  op(
    opType: string,
    inputs: readonly (Value | string)[],
    shape: readonly number[],
    attributes: Readonly<Record<string, Attribute>> = {},
    outputName?: string,
  ): Value {
    const name = this.uniqueName(opType);
    const output = this.uniqueName(outputName ?? `${name}_out`);
    this.nodes.push({
      name,
      opType,
      input: inputs.map((v) => (typeof v === 'string' ? v : v.name)),
      output: [output],
      attribute: Object.entries(attributes).map(([key, value]) => toAttribute(key, value)),
    });
    return { name: output, shape };
  }

  /** A float32 initializer (weights); `name` is a state_dict key where there is one. */
  floats(name: string, data: Float32Array, dims: readonly number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new Error(`initializer ${name}: ${data.length} values do not fill shape [${dims.join(', ')}]`);
    }
    const unique = this.uniqueName(name);
    this.initializers.push({ name: unique, dims: [...dims], dataType: TENSOR_FLOAT, rawData: bytesOf(data) });
    return unique;
  }

  /** A 1-D int64 initializer (shapes, axes, slice bounds), shared between nodes that need the same values. */
  int64s(values: readonly number[]): string {
    return this.shared(`i64:${values.join(',')}`, () => {
      const name = this.uniqueName('const_i64');
      const data = BigInt64Array.from(values, (v) => BigInt(v));
      this.initializers.push({ name, dims: [values.length], dataType: TENSOR_INT64, rawData: bytesOf(data) });
      return name;
    });
  }

  /** A float32 scalar initializer (clip bounds, scale factors), shared between nodes. */
  scalar(value: number): string {
    return this.shared(`f32:${value}`, () => this.floats('const_f32', Float32Array.of(value), []));
  }

  private shared(key: string, make: () => string): string {
    let name = this.constants.get(key);
    if (name === undefined) {
      name = make();
      this.constants.set(key, name);
    }
    return name;
  }
}
