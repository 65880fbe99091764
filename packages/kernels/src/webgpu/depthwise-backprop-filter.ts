import {
  backend_util,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { groupsFor, planSplits, type WebGpuBackendLike, type WgslProgram } from './program';
import { sumSplits } from './sum-splits';

const WORKGROUP = 64;
/** Workgroups to aim for: enough to fill a large GPU several times over. */
const TARGET_GROUPS = 1024;
/** Fewest output pixels per thread: each costs one multiply-add per thread, so keep them many. */
const MIN_PIXELS_PER_SPLIT = 64;

/**
 * The filter gradient of an NHWC depthwise convolution: dW[ky, kx, c, q] = Σ over (b, oy, ox) of
 * x[b, oy·s + ky − pad, ox·s + kx − pad, c] · dy[b, oy, ox, c·M + q]. One thread per filter element and
 * slice of the output pixels (split-K; a second pass adds the slices): tfjs-backend-webgpu's own kernel runs
 * the whole reduction in each of the kh·kw·C·M threads, a few thousand on a large GPU. Neighbouring threads
 * read neighbouring channels of the same pixel.
 */
function program(size: number, splits: number): WgslProgram {
  return {
    outputShape: [splits, size],
    shaderKey: 'ssdDepthwiseBackpropFilterSplitK',
    variableNames: ['x', 'dy'],
    uniforms:
      'pads : vec2<i32>, strides : vec2<i32>, filterWidth : i32, inChannels : i32, multiplier : i32, ' +
      'filterSize : i32, pixels : i32, perSplit : i32, outSize : vec2<i32>, inSize : vec2<i32>,',
    workgroupSize: [WORKGROUP, 1, 1],
    dispatchLayout: { x: [1], y: [0], z: [] },
    dispatch: [groupsFor(size, WORKGROUP), splits, 1],
    getUserCode: () => `
      fn main() {
        let index = i32(globalId.x);
        if (index >= uniforms.filterSize) { return; }
        let outChannels = uniforms.inChannels * uniforms.multiplier;
        let oc = index % outChannels;
        let tap = index / outChannels;
        let c = oc / uniforms.multiplier;
        let ky = tap / uniforms.filterWidth;
        let kx = tap % uniforms.filterWidth;
        let start = i32(workgroupId.y) * uniforms.perSplit;
        let end = min(start + uniforms.perSplit, uniforms.pixels);
        var total = 0.0;
        for (var p = start; p < end; p++) {
          let ox = p % uniforms.outSize.y;
          let rest = p / uniforms.outSize.y;
          let oy = rest % uniforms.outSize.x;
          let iy = oy * uniforms.strides.x + ky - uniforms.pads.x;
          let ix = ox * uniforms.strides.y + kx - uniforms.pads.y;
          if (iy >= 0 && iy < uniforms.inSize.x && ix >= 0 && ix < uniforms.inSize.y) {
            let b = rest / uniforms.outSize.x;
            let xv = x[((b * uniforms.inSize.x + iy) * uniforms.inSize.y + ix) * uniforms.inChannels + c];
            total = fma(xv, dy[p * outChannels + oc], total);
          }
        }
        result[i32(workgroupId.y) * uniforms.filterSize + index] = total;
      }`,
  };
}

/** DepthwiseConv2dNativeBackpropFilter for the webgpu backend (NHWC, dilation 1). */
export const depthwiseBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const gpu = backend as WebGpuBackendLike;
  const convInfo = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  if (convInfo.dilationHeight !== 1 || convInfo.dilationWidth !== 1) {
    throw new Error('not supported: DepthwiseConv2dNativeBackpropFilter on webgpu with dilation above 1');
  }
  const size = filterShape.reduce((a, b) => a * b, 1);
  const pixels = convInfo.batchSize * convInfo.outHeight * convInfo.outWidth;
  const wanted = Math.ceil(TARGET_GROUPS / groupsFor(size, WORKGROUP));
  const { perSplit, count } = planSplits(pixels, wanted, MIN_PIXELS_PER_SPLIT);
  const partials = gpu.runWebGPUProgram(program(size, count), [x, dy], 'float32', [
    { type: 'int32', data: [convInfo.padInfo.top, convInfo.padInfo.left] },
    { type: 'int32', data: [convInfo.strideHeight, convInfo.strideWidth] },
    { type: 'int32', data: [convInfo.filterWidth] },
    { type: 'int32', data: [convInfo.inChannels] },
    { type: 'int32', data: [convInfo.outChannels / convInfo.inChannels] },
    { type: 'int32', data: [size] },
    { type: 'int32', data: [pixels] },
    { type: 'int32', data: [perSplit] },
    { type: 'int32', data: [convInfo.outHeight, convInfo.outWidth] },
    { type: 'int32', data: [convInfo.inHeight, convInfo.inWidth] },
  ]);
  const out = sumSplits(gpu, partials, filterShape);
  gpu.disposeData(partials.dataId);
  return out;
};
