import {
  backend_util,
  type Conv2DBackpropFilterAttrs,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { groupsFor, planSplits, type WebGpuBackendLike, type WgslProgram } from './program';
import { sumSplits } from './sum-splits';

/** Output tile of one workgroup (filter rows × output channels) and the reduction step held in shared memory. */
const TILE = 64;
const TILE_K = 16;
/** Workgroups to aim for: enough to fill a large GPU several times over. */
const TARGET_GROUPS = 1024;
/** Fewest reduction steps per workgroup: below this the partial sums cost more than they save. */
const MIN_K_PER_SPLIT = 256;

/**
 * The filter gradient of an NHWC convolution as an implicit GEMM: dW[(ky,kx,ci), co] = Σ_k A[(ky,kx,ci), k] ·
 * dY[k, co] over k = (batch, outY, outX), where A gathers x at the input pixel each output pixel reads through
 * tap (ky,kx) (zero in the padding) — never materialised. The reduction (N·outH·outW, e.g. 2.9 M for a
 * 300² batch of 32) dwarfs the output (kh·kw·ci × co), so it is split over workgroups (split-K) whose
 * partial tiles a second pass adds; each workgroup computes a 64×64 tile, 4×4 per thread, from 16-deep
 * slices of both operands staged in shared memory. tfjs-backend-webgpu's own kernel gives each filter
 * element one thread that loops over the whole reduction: a few thousand threads on a large GPU.
 */
function program(convInfo: backend_util.Conv2DInfo, rows: number, splits: number): WgslProgram {
  const groupsM = groupsFor(rows, TILE);
  const groupsN = groupsFor(convInfo.outChannels, TILE);
  return {
    outputShape: [splits, rows * convInfo.outChannels],
    shaderKey: 'ssdConv2DBackpropFilterSplitK',
    variableNames: ['x', 'dy'],
    uniforms:
      'pads : vec2<i32>, strides : vec2<i32>, filterWidth : i32, inChannels : i32, outChannels : i32, ' +
      'rows : i32, reduction : i32, perSplit : i32, outSize : vec2<i32>, inSize : vec2<i32>,',
    workgroupSize: [16, 16, 1],
    dispatchLayout: { x: [1], y: [0], z: [] },
    dispatch: [groupsM, groupsN, splits],
    getUserCode: () => `
      var<workgroup> tileA : array<array<f32, ${TILE}>, ${TILE_K}>;
      var<workgroup> tileB : array<array<f32, ${TILE}>, ${TILE_K}>;

      // A[row, k]: x under filter tap row = (ky, kx, ci) for output pixel k = (b, oy, ox); 0 in the padding.
      fn readA(row : i32, k : i32, kEnd : i32) -> f32 {
        if (row >= uniforms.rows || k >= kEnd) { return 0.0; }
        let ci = row % uniforms.inChannels;
        let tap = row / uniforms.inChannels;
        let ox = k % uniforms.outSize.y;
        let rest = k / uniforms.outSize.y;
        let iy = (rest % uniforms.outSize.x) * uniforms.strides.x + tap / uniforms.filterWidth - uniforms.pads.x;
        let ix = ox * uniforms.strides.y + tap % uniforms.filterWidth - uniforms.pads.y;
        if (iy < 0 || iy >= uniforms.inSize.x || ix < 0 || ix >= uniforms.inSize.y) { return 0.0; }
        let b = rest / uniforms.outSize.x;
        return x[((b * uniforms.inSize.x + iy) * uniforms.inSize.y + ix) * uniforms.inChannels + ci];
      }

      fn readB(k : i32, col : i32, kEnd : i32) -> f32 {
        if (k >= kEnd || col >= uniforms.outChannels) { return 0.0; }
        return dy[k * uniforms.outChannels + col];
      }

      fn main() {
        let tx = i32(localId.x);
        let ty = i32(localId.y);
        let lane = ty * 16 + tx;
        let rowBase = i32(workgroupId.x) * ${TILE};
        let colBase = i32(workgroupId.y) * ${TILE};
        let kStart = i32(workgroupId.z) * uniforms.perSplit;
        let kEnd = min(kStart + uniforms.perSplit, uniforms.reduction);
        var acc : array<array<f32, 4>, 4>;
        // A trip count from uniforms alone keeps the barriers in uniform control flow.
        for (var step = 0; step < uniforms.perSplit / ${TILE_K}; step++) {
          let k0 = kStart + step * ${TILE_K};
          // 256 threads stage 16 × 64 values of each operand, 4 each; neighbours read neighbouring channels.
          for (var i = 0; i < 4; i++) {
            let e = lane + 256 * i;
            let kk = e / ${TILE};
            let mm = e % ${TILE};
            tileA[kk][mm] = readA(rowBase + mm, k0 + kk, kEnd);
            tileB[kk][mm] = readB(k0 + kk, colBase + mm, kEnd);
          }
          workgroupBarrier();
          for (var kk = 0; kk < ${TILE_K}; kk++) {
            var a : array<f32, 4>;
            var b : array<f32, 4>;
            for (var i = 0; i < 4; i++) {
              a[i] = tileA[kk][ty + 16 * i];
              b[i] = tileB[kk][tx + 16 * i];
            }
            for (var i = 0; i < 4; i++) {
              for (var j = 0; j < 4; j++) {
                acc[i][j] = fma(a[i], b[j], acc[i][j]);
              }
            }
          }
          workgroupBarrier();
        }
        let base = i32(workgroupId.z) * uniforms.rows * uniforms.outChannels;
        for (var i = 0; i < 4; i++) {
          let row = rowBase + ty + 16 * i;
          for (var j = 0; j < 4; j++) {
            let col = colBase + tx + 16 * j;
            if (row < uniforms.rows && col < uniforms.outChannels) {
              result[base + row * uniforms.outChannels + col] = acc[i][j];
            }
          }
        }
      }`,
  };
}

/** Conv2DBackpropFilter for the webgpu backend (NHWC, dilation 1, as tfjs's conv2d gradient calls it). */
export const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as Conv2DBackpropFilterAttrs;
  const gpu = backend as WebGpuBackendLike;
  const convInfo = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (convInfo.dataFormat !== 'channelsLast') {
    throw new Error('not supported: Conv2DBackpropFilter on webgpu with NCHW data');
  }
  const rows = convInfo.filterHeight * convInfo.filterWidth * convInfo.inChannels;
  const reduction = convInfo.batchSize * convInfo.outHeight * convInfo.outWidth;
  const groups = groupsFor(rows, TILE) * groupsFor(convInfo.outChannels, TILE);
  const { perSplit, count } = planSplits(
    reduction,
    Math.ceil(TARGET_GROUPS / groups),
    MIN_K_PER_SPLIT,
    TILE_K,
  );
  const partials = gpu.runWebGPUProgram(program(convInfo, rows, count), [x, dy], 'float32', [
    { type: 'int32', data: [convInfo.padInfo.top, convInfo.padInfo.left] },
    { type: 'int32', data: [convInfo.strideHeight, convInfo.strideWidth] },
    { type: 'int32', data: [convInfo.filterWidth] },
    { type: 'int32', data: [convInfo.inChannels] },
    { type: 'int32', data: [convInfo.outChannels] },
    { type: 'int32', data: [rows] },
    { type: 'int32', data: [reduction] },
    { type: 'int32', data: [perSplit] },
    { type: 'int32', data: [convInfo.outHeight, convInfo.outWidth] },
    { type: 'int32', data: [convInfo.inHeight, convInfo.inWidth] },
  ]);
  const out: TensorInfo = sumSplits(gpu, partials, filterShape);
  gpu.disposeData(partials.dataId);
  return out;
};
