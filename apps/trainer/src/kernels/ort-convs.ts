import {
  type ConvActivation,
  type OrtConvRunner,
  unsupportedGeometry,
  unsupportedInputGradient,
} from '@ssd/onnx';
import type {
  Conv2DAttrs,
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  FusedConv2DAttrs,
  KernelBackend,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelTable } from './install-kernels';

/** The wasm backend's calls these kernels use: uninitialised outputs on its heap and views of its heap. */
interface HeapBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/** tfjs's fused activations that the forward graph applies (prelu needs per-channel weights: not here). */
const ACTIVATIONS = new Set<string>(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu']);

type Shape4 = [number, number, number, number];

function geometry(
  xShape: number[],
  filterShape: number[],
  attrs: {
    strides: number | [number, number];
    pad: Conv2DAttrs['pad'];
    dimRoundingMode?: Conv2DAttrs['dimRoundingMode'];
    dataFormat: 'NHWC' | 'NCHW';
  },
  dilations: number | [number, number] = 1,
): backend_util.Conv2DInfo | null {
  if (attrs.dataFormat !== 'NHWC') return null;
  const info = backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  return info.inChannels === filterShape[2] && unsupportedGeometry(info) == null ? info : null;
}

/**
 * tfjs kernels that run the convolutions of a training step on ONNX Runtime (forward, fused forward, input
 * and filter gradients) with the runner `runnerNow` gives, reading their inputs from and writing their
 * outputs to wasm's heap in place. Each wraps the backend's kernel, which runs everything while there is no
 * runner and keeps what ONNX Runtime cannot run here (NCHW, grouped, prelu, float types other than float32,
 * input gradients needing more output padding than ConvTranspose adds).
 */
export function ortConvKernels(runnerNow: () => OrtConvRunner | null): KernelTable {
  const run =
    (
      own: KernelFunc,
      plan: (
        args: Parameters<KernelFunc>[0],
        runner: OrtConvRunner,
      ) => ((heap: HeapBackend) => TensorInfo) | null,
    ): KernelFunc =>
    (args) => {
      const runner = runnerNow();
      const floats = Object.values(args.inputs).every((t) => t == null || t.dtype === 'float32');
      const compute = runner && floats ? plan(args, runner) : null;
      return compute ? compute(args.backend as HeapBackend) : own(args);
    };
  const forward =
    (fused: boolean) =>
    (own: KernelFunc): KernelFunc =>
      run(own, ({ inputs, attrs }, runner) => {
        const a = attrs as unknown as FusedConv2DAttrs;
        const { x, filter, bias, preluActivationWeights } = inputs as Record<string, TensorInfo | undefined>;
        const activation = fused ? a.activation : 'linear';
        if (preluActivationWeights != null || !ACTIVATIONS.has(activation)) return null;
        const g = geometry(x!.shape, filter!.shape, a, a.dilations);
        if (g == null) return null;
        const hasBias = fused && bias != null && bias.shape.length === 1 && bias.shape[0] === g.outChannels;
        if (fused && bias != null && !hasBias) return null;
        const options = {
          bias: hasBias,
          activation: activation as ConvActivation,
          alpha: a.leakyreluAlpha ?? 0.2,
        };
        return (heap) => {
          const y = heap.makeOutput(g.outShape, 'float32');
          const view = (t: TensorInfo) => heap.typedArrayFromHeap(t);
          runner.forward(g, options, view(x!), view(filter!), hasBias ? view(bias!) : null, view(y));
          return y;
        };
      });
  const inputGradient = (own: KernelFunc): KernelFunc =>
    run(own, ({ inputs, attrs }, runner) => {
      const a = attrs as unknown as Conv2DBackpropInputAttrs;
      const { dy, filter } = inputs as Record<string, TensorInfo>;
      const g = geometry(a.inputShape, filter!.shape, a);
      if (
        g == null ||
        unsupportedInputGradient(g) != null ||
        g.outHeight !== dy!.shape[1] ||
        g.outWidth !== dy!.shape[2]
      )
        return null;
      return (heap) => {
        const dx = heap.makeOutput(g.inShape, 'float32');
        runner.inputGradient(
          g,
          heap.typedArrayFromHeap(dy!),
          heap.typedArrayFromHeap(filter!),
          heap.typedArrayFromHeap(dx),
        );
        return dx;
      };
    });
  const filterGradient = (own: KernelFunc): KernelFunc =>
    run(own, ({ inputs, attrs }, runner) => {
      const a = attrs as unknown as Conv2DBackpropFilterAttrs;
      const { x, dy } = inputs as Record<string, TensorInfo>;
      const g = geometry(x!.shape, a.filterShape, a);
      if (g == null || g.outHeight !== dy!.shape[1] || g.outWidth !== dy!.shape[2]) return null;
      return (heap) => {
        const dw = heap.makeOutput(a.filterShape, 'float32');
        runner.filterGradient(
          g,
          heap.typedArrayFromHeap(x!),
          heap.typedArrayFromHeap(dy!),
          heap.typedArrayFromHeap(dw),
        );
        return dw;
      };
    });
  return {
    backend: 'wasm',
    replace: {},
    wrap: {
      [tf.Conv2D]: forward(false),
      [tf.FusedConv2D]: forward(true),
      [tf.Conv2DBackpropInput]: inputGradient,
      [tf.Conv2DBackpropFilter]: filterGradient,
    },
  };
}
