import { nn } from '@ssd/modeling';
import { SGD_MOMENTUM_UPDATE } from '@ssd/solver';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { RELU6_GRAD } from '../gradients/relu6-gradient';
import { installKernels, type KernelWrapper } from '../registry';
import { batchNormApply, batchNormGrad } from './batch-norm-train';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { depthwiseBackpropFilter } from './depthwise-backprop-filter';
import { webGpuMeanOverLeadingAxes, webGpuSumOverLeadingAxes } from './leading-axes-sum';
import { momentumUpdate } from './momentum-update';
import { relu6Grad } from './relu6-grad';

const WEBGPU = 'webgpu';

/**
 * Gradient kernels of an SSD network that tfjs-backend-webgpu 4.22.0 runs with too little parallelism for
 * a GPU (one thread per filter element looping over the whole batch), and training steps that composed ops
 * run as many small dispatches (batch norm's normalisation and gradients, Relu6's gradient, SGD's momentum
 * step), keyed by kernel name.
 */
const WEBGPU_GRADIENT_KERNELS: Readonly<Record<string, KernelFunc>> = {
  [tf.Conv2DBackpropFilter]: conv2dBackpropFilter,
  [tf.DepthwiseConv2dNativeBackpropFilter]: depthwiseBackpropFilter,
  [nn.BATCH_NORM_APPLY]: batchNormApply,
  [nn.BATCH_NORM_GRAD]: batchNormGrad,
  [RELU6_GRAD]: relu6Grad,
  [SGD_MOMENTUM_UPDATE]: momentumUpdate,
};

/**
 * webgpu kernels that training runs slowly for some inputs, keyed by kernel name: each factory wraps webgpu's
 * own kernel, which keeps the other inputs.
 */
const WEBGPU_FASTER_KERNELS: Readonly<Record<string, KernelWrapper>> = {
  [tf.Sum]: webGpuSumOverLeadingAxes,
  [tf.Mean]: webGpuMeanOverLeadingAxes,
};

/**
 * Makes training fast on the webgpu backend: registers our split-K filter-gradient kernels, fused batch-norm,
 * Relu6-gradient and momentum-step kernels and column sums for reductions over leading axes (batch-norm), and
 * selects webgpu's tiled matrix-product kernel for the input gradient of convolutions (its default is a naive
 * loop per input element); returns the kernel names registered. Idempotent. Call it after loading
 * @tensorflow/tfjs-backend-webgpu.
 */
export function registerWebGpuTrainingKernels(): string[] {
  if (tf.getKernel(tf.Conv2D, WEBGPU) == null) {
    throw new Error(
      'registerTrainingKernels: load @tensorflow/tfjs-backend-webgpu first (no webgpu kernels are registered)',
    );
  }
  tf.env().set('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE', false);
  const table = { backend: WEBGPU, replace: WEBGPU_GRADIENT_KERNELS, wrap: WEBGPU_FASTER_KERNELS };
  return installKernels(table, 'registerTrainingKernels');
}
