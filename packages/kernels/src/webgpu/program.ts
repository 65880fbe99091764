/**
 * What tfjs-backend-webgpu needs of a compute program (its `WebGPUProgram`), declared here so that
 * @ssd/modeling does not import the backend: the backend prepends bindings (`result`, one array per
 * `variableNames` entry), the `uniforms` struct and helpers, then appends our `getUserCode()`.
 */
import { type DataType, type KernelBackend, type TensorInfo, util } from '@tensorflow/tfjs-core';

/** A compute shader the webgpu backend compiles (cached by `shaderKey` and the tensor shapes). */
export interface WgslProgram {
  outputShape: number[];
  shaderKey: string;
  variableNames: string[];
  /** Extra uniform fields (WGSL struct members, each ending in a comma). */
  uniforms?: string;
  workgroupSize: [number, number, number];
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  /** Adds `size` (the output's element count) to the uniforms. */
  size?: boolean;
  getUserCode(): string;
}

/** Uniform values in the order of `WgslProgram.uniforms`. */
export type UniformData = { type: 'int32' | 'uint32' | 'float32'; data: number[] }[];

/** The webgpu backend's program runner and buffer release, typed as far as we use them. */
export interface WebGpuBackendLike extends KernelBackend {
  runWebGPUProgram(
    program: WgslProgram,
    inputs: TensorInfo[],
    outputDtype: DataType,
    uniforms?: UniformData,
  ): TensorInfo;
  disposeData(dataId: object): boolean;
}

/** Workgroups needed to cover `size` items with `perGroup` each. */
export function groupsFor(size: number, perGroup: number): number {
  return Math.ceil(size / perGroup);
}

/** The maximum workgroup count per dispatch dimension that WebGPU guarantees. */
export const MAX_GROUPS_PER_DIMENSION = 65535;

/** How a split-K kernel divides a reduction of `length` steps over workgroups (or threads). */
export interface SplitPlan {
  /** Steps each split adds. */
  readonly perSplit: number;
  /** Splits that have work: the partial results a second pass adds. */
  readonly count: number;
}

/**
 * Splits a reduction of `length` steps into at most `wanted` slices of at least `minPerSplit` steps each (and
 * at most a dispatch dimension's worth), each a multiple of `align` steps long.
 */
export function planSplits(length: number, wanted: number, minPerSplit: number, align = 1): SplitPlan {
  const splits = Math.max(1, Math.min(wanted, Math.floor(length / minPerSplit), MAX_GROUPS_PER_DIMENSION));
  const perSplit = Math.ceil(Math.ceil(length / splits) / align) * align;
  return { perSplit, count: Math.ceil(length / perSplit) };
}

const STRIDED_WORKGROUP = 256;

/** Workgroups of a strided program over `count` values: enough to cover them, at most one dispatch dimension. */
function stridedGroups(count: number): number {
  return Math.min(groupsFor(count, STRIDED_WORKGROUP), MAX_GROUPS_PER_DIMENSION);
}

/**
 * An elementwise program whose threads stride over a tensor of `shape`, so that one dispatch covers tensors
 * larger than a dispatch dimension's 65535 workgroups (VGG's fc6 has 4.7 M weights). `body` runs for each
 * index `i`; `uniforms` are extra fields after the `count` and `stride` that {@link stridedUniforms} gives.
 */
export function stridedProgram(
  shape: number[],
  shaderKey: string,
  variableNames: string[],
  uniforms: string,
  body: string,
): WgslProgram {
  return {
    outputShape: shape,
    shaderKey,
    variableNames,
    uniforms: `count : i32, stride : i32, ${uniforms}`,
    workgroupSize: [STRIDED_WORKGROUP, 1, 1],
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [stridedGroups(util.sizeFromShape(shape)), 1, 1],
    getUserCode: () => `
      fn main(index : i32) {
        for (var i = index; i < uniforms.count; i += uniforms.stride) {
          ${body}
        }
      }`,
  };
}

/** The leading `count` and `stride` uniforms of a {@link stridedProgram} over `shape`. */
export function stridedUniforms(shape: number[]): UniformData {
  const count = util.sizeFromShape(shape);
  return [
    { type: 'int32', data: [count] },
    { type: 'int32', data: [stridedGroups(count) * STRIDED_WORKGROUP] },
  ];
}
