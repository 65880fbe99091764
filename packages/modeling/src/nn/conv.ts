/** nn.Conv2d in NHWC, including depthwise convolution and dilation (with working gradients for both). */
import * as tf from '@tensorflow/tfjs-core';
import type { FusableActivation } from './activation';
import type { BatchNorm2d } from './batch-norm';
import { dilatedConv2d } from './dilated-conv';
import type { Initializer } from './init';
import type { Module } from './module';
import type { Scope } from './state';

/** Each activation a fused convolution may carry, applied as its own op (where no fused op fits). */
const ACTIVATIONS: Readonly<Record<FusableActivation | 'linear', (x: tf.Tensor4D) => tf.Tensor4D>> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
};

/**
 * Zero padding: a number (PyTorch `padding=p` on every side), `'same'` (TensorFlow SAME, as EfficientNet's
 * Conv2dSamePadding: the odd pixel goes bottom/right), or explicit `[top, bottom, left, right]`.
 */
export type Padding = number | 'same' | readonly [number, number, number, number];

/** Construction options; defaults are PyTorch's. */
export interface Conv2dOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number | readonly [number, number];
  readonly stride?: number;
  readonly padding?: Padding;
  readonly dilation?: number;
  /** 1, or `inChannels` for a depthwise convolution (outChannels a multiple of inChannels). */
  readonly groups?: number;
  /** Whether the layer has a bias (default true). */
  readonly bias?: boolean;
  /** Overrides the scope's `convWeight` initialiser. */
  readonly weightInit?: Initializer;
  /** Overrides the scope's `convBias` initialiser. */
  readonly biasInit?: Initializer;
}

/** Filter, bias and activation of one fused convolution call, and whether a training pass records it. */
interface Convolution {
  readonly filter: tf.Tensor4D;
  readonly bias: tf.Tensor1D | null;
  readonly activation: FusableActivation | 'linear';
  readonly training: boolean;
}

/** Holds `weight` (and `bias`) under its scope; PyTorch weight [out, in/groups, kh, kw]. */
export class Conv2d implements Module {
  readonly weight: tf.Variable<tf.Rank.R4>;
  readonly bias: tf.Variable<tf.Rank.R1> | null;
  readonly depthwise: boolean;
  readonly kernel: readonly [number, number];
  readonly stride: number;
  readonly padding: Padding;
  readonly dilation: number;

  constructor(scope: Scope, opts: Conv2dOptions) {
    const { inChannels, outChannels } = opts;
    const groups = opts.groups ?? 1;
    this.kernel = typeof opts.kernelSize === 'number' ? [opts.kernelSize, opts.kernelSize] : opts.kernelSize;
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.depthwise = groups !== 1;
    if (this.depthwise && (groups !== inChannels || outChannels % inChannels !== 0)) {
      throw new Error(
        `not supported: grouped convolution ${scope.prefix} (groups=${groups}, ${inChannels}→${outChannels})`,
      );
    }
    if (this.dilation > 1 && this.stride > 1) {
      throw new Error(`not supported: convolution ${scope.prefix} with both stride and dilation above 1`);
    }
    const [kh, kw] = this.kernel;
    const torchShape = [outChannels, inChannels / groups, kh, kw];
    this.weight = scope.param('weight', {
      shape: this.depthwise
        ? [kh, kw, inChannels, outChannels / inChannels]
        : [kh, kw, inChannels, outChannels],
      torchShape,
      layout: this.depthwise ? 'depthwise' : 'conv',
      init: opts.weightInit ?? scope.init.convWeight,
    });
    this.bias =
      opts.bias === false
        ? null
        : scope.param('bias', {
            shape: [outChannels],
            init: opts.biasInit ?? scope.init.convBias,
            fanShape: torchShape,
          });
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.forwardFused(x, null, 'linear');
  }

  /**
   * This convolution followed by an inference-mode BatchNorm (folded into filter and bias) and/or an
   * activation, as one fused tfjs op: same result as running the layers in turn, one pass over the output.
   */
  forwardFused(
    x: tf.Tensor4D,
    batchNorm: BatchNorm2d | null,
    activation: FusableActivation | 'linear',
    training = false,
  ): tf.Tensor4D {
    const { filter, bias } = batchNorm
      ? batchNorm.foldIntoConv(this.weight, this.bias, this.depthwise)
      : { filter: this.weight, bias: this.bias };
    const op: Convolution = { filter, bias, activation, training };
    const [top, bottom, left, right] = this.resolvePadding(x.shape[1], x.shape[2]);
    if (this.dilation > 1) return this.dilated(x, op, top, bottom, left, right);
    // tfjs applies a numeric pad on all four sides; anything else is padded explicitly first.
    if (top === bottom && top === left && top === right) return this.convolve(x, op, this.stride, top);
    return this.convolve(
      tf.pad(x, [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ]),
      op,
      this.stride,
      0,
    );
  }

  /** Zero padding [top, bottom, left, right] for an input of `height`×`width` ('same' depends on it). */
  resolvePadding(height: number, width: number): [number, number, number, number] {
    const p = this.padding;
    if (typeof p === 'number') return [p, p, p, p];
    if (p !== 'same') return [p[0], p[1], p[2], p[3]];
    const total = (size: number, k: number) =>
      Math.max((Math.ceil(size / this.stride) - 1) * this.stride + (k - 1) * this.dilation + 1 - size, 0);
    const th = total(height, this.kernel[0]);
    const tw = total(width, this.kernel[1]);
    return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  }

  private convolve(x: tf.Tensor4D, op: Convolution, stride: number, pad: number): tf.Tensor4D {
    if (!op.bias && op.activation === 'linear') {
      // The plain op: in a training pass tfjs's fused one also keeps its output for the backward pass, which
      // needs it only for a bias or an activation.
      return this.depthwise
        ? tf.depthwiseConv2d(x, op.filter, stride, pad)
        : tf.conv2d(x, op.filter, stride, pad);
    }
    if (op.training && op.activation === 'relu') return this.convolveRelu(x, op, stride, pad);
    const args = {
      x,
      filter: op.filter,
      strides: stride,
      pad,
      bias: op.bias ?? undefined,
      activation: op.activation,
    };
    return this.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
  }

  /**
   * Convolution (+ bias) + ReLU for a training pass as one differentiable op keeping its input and output, not
   * also the ReLU's input (tfjs fuses no activation while recording gradients, and its bias add keeps both of
   * its inputs): ReLU's gradient is read from the output, dy where y > 0, as PyTorch's in-place ReLU does. The
   * forward pass runs the ops tfjs would (convolution, add, ReLU), so the values are the same.
   */
  private convolveRelu(x: tf.Tensor4D, op: Convolution, stride: number, pad: number): tf.Tensor4D {
    const kernel = this.depthwise ? tf.DepthwiseConv2dNative : tf.Conv2D;
    const attrs = { strides: stride, pad, dataFormat: 'NHWC', dilations: 1 } as unknown as tf.NamedAttrMap;
    const gradient = tf.getGradient(kernel);
    if (!gradient) throw new Error(`${kernel}: no gradient registered (register tfjs's gradients to train)`);
    const convolveAndRelu = tf.customGrad((...args: unknown[]) => {
      const save = args.pop() as tf.GradSaveFunc;
      const [input, filter, bias] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D | undefined];
      const conv = this.depthwise
        ? tf.depthwiseConv2d(input, filter, stride, pad)
        : tf.conv2d(input, filter, stride, pad);
      const y = tf.relu(bias ? tf.add(conv, bias) : conv);
      save([input, filter, y]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
          const [xs, w, ys] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
          const dz = tf.mul(dy as tf.Tensor, tf.step(ys));
          const grads = gradient.gradFunc(dz, [xs, w], attrs);
          const out = [grads.x!(), grads.filter!()];
          return bias ? [...out, tf.sum(dz, [0, 1, 2])] : out;
        },
      };
    });
    return (op.bias ? convolveAndRelu(x, op.filter, op.bias) : convolveAndRelu(x, op.filter)) as tf.Tensor4D;
  }

  /**
   * Atrous convolution: one dilated convolution with its own gradient (dilatedConv2d), then bias and
   * activation; depthwise ones as space-to-batch → plain convolution → batch-to-space (TensorFlow's
   * atrous_conv2d), because tfjs has no gradient for dilated convolutions.
   */
  private dilated(
    x: tf.Tensor4D,
    op: Convolution,
    top: number,
    bottom: number,
    left: number,
    right: number,
  ): tf.Tensor4D {
    const d = this.dilation;
    if (!this.depthwise) {
      const y = dilatedConv2d(x, op.filter, d, [top, bottom, left, right]);
      const biased: tf.Tensor4D = op.bias ? tf.add(y, op.bias) : y;
      return ACTIVATIONS[op.activation](biased);
    }
    const extraH = (d - ((x.shape[1] + top + bottom) % d)) % d;
    const extraW = (d - ((x.shape[2] + left + right) % d)) % d;
    const blocks = tf.spaceToBatchND(
      x,
      [d, d],
      [
        [top, bottom + extraH],
        [left, right + extraW],
      ],
    );
    // Bias and activation act per element, so they commute with the batch-to-space rearrangement.
    return tf.batchToSpaceND(
      this.convolve(blocks, op, 1, 0),
      [d, d],
      [
        [0, extraH],
        [0, extraW],
      ],
    );
  }
}
