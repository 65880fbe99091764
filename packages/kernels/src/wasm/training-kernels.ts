import { nn } from '@ssd/modeling';
import { SGD_MOMENTUM_UPDATE } from '@ssd/solver';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { installKernels, type KernelWrapper } from '../registry';
import { batchNormApply, batchNormDx, batchNormDz } from './batch-norm';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { conv2dBackpropInput } from './conv2d-backprop-input';
import { depthwiseBackpropFilter } from './depthwise-backprop-filter';
import { depthwiseBackpropInput } from './depthwise-backprop-input';
import { heapSlice } from './heap-slice';
import { registerWasmInferenceKernels } from './inference-kernels';
import { meanOverLeadingAxes, sumOverLeadingAxes } from './leading-axes-reduce';
import { maxPoolGrad } from './max-pool-grad';
import { momentumUpdate } from './momentum-update';
import { sharedIdentity, sharedSameTypeCast } from './shared-identity';
import { unsortedSegmentSum } from './unsorted-segment-sum';

const WASM = 'wasm';
/**
 * Kernels that gradients of an SSD network run and tfjs-backend-wasm 4.22.0 lacks, gets wrong (MaxPoolGrad)
 * or runs slowly (Conv2DBackpropInput), and training batch norm's elementwise steps and SGD's momentum step,
 * keyed by kernel name.
 */
const WASM_GRADIENT_KERNELS: Readonly<Record<string, KernelFunc>> = {
  [tf.Conv2DBackpropFilter]: conv2dBackpropFilter,
  [tf.Conv2DBackpropInput]: conv2dBackpropInput,
  [tf.DepthwiseConv2dNativeBackpropFilter]: depthwiseBackpropFilter,
  [tf.DepthwiseConv2dNativeBackpropInput]: depthwiseBackpropInput,
  [tf.MaxPoolGrad]: maxPoolGrad,
  [tf.UnsortedSegmentSum]: unsortedSegmentSum,
  [nn.BATCH_NORM_APPLY]: batchNormApply,
  [nn.BATCH_NORM_DZ]: batchNormDz,
  [nn.BATCH_NORM_DX]: batchNormDx,
  [SGD_MOMENTUM_UPDATE]: momentumUpdate,
};

/**
 * wasm kernels that are slow for some inputs of a training step, or copy data they could share, keyed by
 * kernel name: each factory wraps wasm's own kernel, which keeps the other inputs.
 */
const WASM_FASTER_KERNELS: Readonly<Record<string, KernelWrapper>> = {
  [tf.Sum]: sumOverLeadingAxes,
  [tf.Mean]: meanOverLeadingAxes,
  [tf.Identity]: sharedIdentity,
  [tf.Cast]: sharedSameTypeCast,
  [tf.Slice]: heapSlice,
};

/**
 * Makes training work on the wasm backend: registers the accurate inference kernels and the missing, faulty or
 * slow wasm gradient kernels, and speeds up wasm kernels that training runs slowly; returns the names of the
 * kernels it registers or wraps. Idempotent. Call it after loading @tensorflow/tfjs-backend-wasm (before or
 * after `tf.setBackend('wasm')`): loading that package registers its own kernels.
 */
export function registerWasmTrainingKernels(): string[] {
  if (tf.getKernel(tf.MaxPool, WASM) == null) {
    throw new Error(
      'registerTrainingKernels: load @tensorflow/tfjs-backend-wasm first (no wasm kernels are registered)',
    );
  }
  // Sum and Mean wrap the accurate kernels, which stay inside for what they pass on.
  registerWasmInferenceKernels();
  const table = { backend: WASM, replace: WASM_GRADIENT_KERNELS, wrap: WASM_FASTER_KERNELS };
  return installKernels(table, 'registerTrainingKernels');
}
