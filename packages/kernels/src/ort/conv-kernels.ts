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
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { opsKernel } from '../ops-kernel';
import type { KernelTable } from '../registry';
import { floats, tensorFilledBy } from '../wasm/heap';

/** tfjs's fused activations that the forward graph applies (prelu needs per-channel weights: not here). */
const ACTIVATIONS = new Set<string>(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu']);

type Shape4 = [number, number, number, number];
type Attrs = Pick<Conv2DAttrs, 'strides' | 'pad' | 'dimRoundingMode' | 'dataFormat'>;
/** A kernel's computation on ONNX Runtime, given its inputs as tensors. */
type OrtBody = (inputs: Record<string, tf.Tensor>, runner: OrtConvRunner) => tf.Tensor;

/** The geometry of an NHWC convolution that ONNX Runtime runs, or null for wasm's own kernel. */
function geometry(
  xShape: number[],
  filterShape: number[],
  a: Attrs,
  dilations: Conv2DAttrs['dilations'] = 1,
) {
  if (a.dataFormat !== 'NHWC' || xShape[3] !== filterShape[2]) return null;
  const info = backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    a.strides,
    dilations,
    a.pad,
    a.dimRoundingMode,
  );
  return unsupportedGeometry(info) == null ? info : null;
}

/**
 * The least product depth (input channels × filter taps) at which ONNX Runtime runs a forward or input-gradient
 * convolution: MLAS's is a matrix product of that depth, and on an RGB input layer (3·3·3 = 27) it ran 10×
 * slower than XNNPACK here, from about 64 on faster.
 */
export const ORT_MIN_DEPTH = 32;

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

/**
 * `run` from `input` (NHWC) into a new tensor of NHWC shape `shape`, both in the runner's layout for the
 * geometry (NCHW: transposed there and back on wasm's Transpose, about 25× faster than ONNX Runtime's here).
 */
function inRunnerLayout(
  nchw: boolean,
  input: tf.Tensor,
  shape: number[],
  run: (input: Float32Array, out: Float32Array) => void,
): tf.Tensor {
  const moved = nchw ? tf.transpose(input, TO_NCHW) : input;
  // Views of wasm's heap are taken once the output is allocated (allocation may move the heap).
  const out = tensorFilledBy(nchw ? TO_NCHW.map((axis) => shape[axis]!) : shape, (o) =>
    run(floats(moved), o),
  );
  return nchw ? tf.transpose(out, TO_NHWC) : out;
}

/**
 * tfjs kernels that run the convolutions of a training step on ONNX Runtime (forward, fused forward, input
 * and filter gradients) with the runner `runnerNow` gives, reading inputs from and writing outputs to wasm's
 * heap in place. Each wraps the backend's kernel, which runs everything while there is no runner and keeps
 * what ONNX Runtime cannot run here (NCHW, grouped, prelu, dtypes other than float32, input gradients
 * needing more output padding than ConvTranspose adds).
 */
export function ortConvKernels(runnerNow: () => OrtConvRunner | null): KernelTable {
  const wrap =
    (
      own: KernelFunc,
      plan: (inputs: Record<string, TensorInfo | undefined>, attrs: NamedAttrMap) => OrtBody | null,
    ): KernelFunc =>
    (args) => {
      const runner = runnerNow();
      const inputs = args.inputs as Record<string, TensorInfo | undefined>;
      const float32 = Object.values(inputs).every((t) => t == null || t.dtype === 'float32');
      const body = runner && float32 ? plan(inputs, args.attrs ?? {}) : null;
      return body ? opsKernel((tensors) => body(tensors, runner!))(args) : own(args);
    };

  const forward = (fused: boolean) => (own: KernelFunc) =>
    wrap(own, ({ x, filter, bias, preluActivationWeights }, attrs) => {
      const a = attrs as unknown as FusedConv2DAttrs;
      const activation = fused ? a.activation : 'linear';
      if (preluActivationWeights != null || !ACTIVATIONS.has(activation)) return null;
      const g = geometry(x!.shape, filter!.shape, a, a.dilations);
      const withBias = fused && bias != null;
      if (g == null || g.inChannels * g.filterHeight * g.filterWidth < ORT_MIN_DEPTH) return null;
      if (withBias && (bias.shape.length !== 1 || bias.shape[0] !== g.outChannels)) return null;
      const options = {
        bias: withBias,
        activation: activation as ConvActivation,
        alpha: a.leakyreluAlpha ?? 0.2,
      };
      return (t, runner) =>
        inRunnerLayout(runner.layout(g) === 'NCHW', t.x!, g.outShape, (x, out) =>
          runner.forward(g, options, x, floats(t.filter!), withBias ? floats(t.bias!) : null, out),
        );
    });

  const inputGradient = (own: KernelFunc) =>
    wrap(own, ({ dy, filter }, attrs) => {
      const a = attrs as unknown as Conv2DBackpropInputAttrs;
      const g = geometry(a.inputShape, filter!.shape, a);
      if (g == null || unsupportedInputGradient(g) != null) return null;
      if (g.outChannels * g.filterHeight * g.filterWidth < ORT_MIN_DEPTH) return null;
      if (g.outHeight !== dy!.shape[1] || g.outWidth !== dy!.shape[2]) return null;
      return (t, runner) =>
        inRunnerLayout(runner.layout(g) === 'NCHW', t.dy!, g.inShape, (dy, out) =>
          runner.inputGradient(g, dy, floats(t.filter!), out),
        );
    });

  const filterGradient = (own: KernelFunc) =>
    wrap(own, ({ x, dy }, attrs) => {
      const a = attrs as unknown as Conv2DBackpropFilterAttrs;
      const g = geometry(x!.shape, a.filterShape, a);
      if (g == null || g.outHeight !== dy!.shape[1] || g.outWidth !== dy!.shape[2]) return null;
      return (t, runner) =>
        tensorFilledBy(a.filterShape, (out) => runner.filterGradient(g, floats(t.x!), floats(t.dy!), out));
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
