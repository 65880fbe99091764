import type { KernelFunc } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { cascadeMeanKernel, cascadeSumKernel } from './cascade-reduce';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { conv2dBackpropInput } from './conv2d-backprop-input';
import { depthwiseBackpropFilter } from './depthwise-backprop-filter';
import { depthwiseBackpropInput } from './depthwise-backprop-input';
import { meanOverLeadingAxes, sumOverLeadingAxes } from './leading-axes-reduce';
import { maxPoolGrad } from './max-pool-grad';
import { sharedIdentity, sharedSameTypeCast } from './shared-identity';
import { registerTfjsGradients } from './tfjs-gradients';
import { unsortedSegmentSum } from './unsorted-segment-sum';

const WASM = 'wasm';

/**
 * wasm kernels that lose precision on inputs a forward pass gives them, keyed by kernel name: each factory wraps
 * wasm's own kernel, which keeps the inputs the replacement does not take.
 */
const WASM_ACCURATE_KERNELS: Readonly<Record<string, (own: KernelFunc) => KernelFunc>> = {
  [tf.Sum]: cascadeSumKernel,
  [tf.Mean]: cascadeMeanKernel,
};

/**
 * Kernels that gradients of an SSD network run and tfjs-backend-wasm 4.22.0 lacks, gets wrong (MaxPoolGrad)
 * or runs slowly (Conv2DBackpropInput), keyed by kernel name.
 */
const WASM_GRADIENT_KERNELS: Readonly<Record<string, KernelFunc>> = {
  [tf.Conv2DBackpropFilter]: conv2dBackpropFilter,
  [tf.Conv2DBackpropInput]: conv2dBackpropInput,
  [tf.DepthwiseConv2dNativeBackpropFilter]: depthwiseBackpropFilter,
  [tf.DepthwiseConv2dNativeBackpropInput]: depthwiseBackpropInput,
  [tf.MaxPoolGrad]: maxPoolGrad,
  [tf.UnsortedSegmentSum]: unsortedSegmentSum,
};

/**
 * wasm kernels that are slow for some inputs of a training step, or copy data they could share, keyed by
 * kernel name: each factory wraps wasm's own kernel, which keeps the other inputs.
 */
const WASM_FASTER_KERNELS: Readonly<Record<string, (own: KernelFunc) => KernelFunc>> = {
  [tf.Sum]: sumOverLeadingAxes,
  [tf.Mean]: meanOverLeadingAxes,
  [tf.Identity]: sharedIdentity,
  [tf.Cast]: sharedSameTypeCast,
};

/** The wrappers made from WASM_FASTER_KERNELS, so that registering again does not wrap a wrapper. */
const wrappers = new WeakSet<KernelFunc>();
/**
 * The kernels made from WASM_ACCURATE_KERNELS and every wrapper around them: a kernel in here already has the
 * accurate one inside.
 */
const accurate = new WeakSet<KernelFunc>();

function register(kernelName: string, kernelFunc: KernelFunc, own: tf.KernelConfig | undefined): void {
  // Unregistering first replaces wasm's own kernel without tfjs's "already registered" warning.
  if (own) tf.unregisterKernel(kernelName, WASM);
  // wasm's setup binds its kernel to the wasm module when the backend starts; wrappers call that kernel.
  tf.registerKernel({ kernelName, backendName: WASM, kernelFunc, setupFunc: own?.setupFunc });
}

/**
 * Makes inference on the wasm backend match the reference: replaces wasm kernels that lose precision (float32
 * Sum and Mean, summed one value after another) with accurate ones; returns their kernel names. Idempotent and
 * cheap once done, so `SSDDetector.predict` calls it whenever it runs on wasm. Needs
 * @tensorflow/tfjs-backend-wasm loaded.
 */
export function registerWasmInferenceKernels(): string[] {
  for (const [kernelName, wrap] of Object.entries(WASM_ACCURATE_KERNELS)) {
    const own = tf.getKernel(kernelName, WASM);
    if (own == null) {
      throw new Error(
        `registerWasmInferenceKernels: load @tensorflow/tfjs-backend-wasm first (no wasm ${kernelName} kernel)`,
      );
    }
    if (accurate.has(own.kernelFunc)) continue;
    const kernel = wrap(own.kernelFunc);
    accurate.add(kernel);
    register(kernelName, kernel, own);
  }
  return Object.keys(WASM_ACCURATE_KERNELS);
}

/**
 * Makes training work on the wasm backend: registers the accurate inference kernels, tfjs's gradients and the
 * missing, faulty or slow wasm gradient kernels, and speeds up wasm kernels that training runs slowly; returns
 * the names of the kernels it registers or wraps.
 * Idempotent. Call it after loading @tensorflow/tfjs-backend-wasm (before or after `tf.setBackend('wasm')`):
 * loading that package registers its own kernels.
 */
export function registerWasmGradientKernels(): string[] {
  if (tf.getKernel(tf.MaxPool, WASM) == null) {
    throw new Error(
      'registerWasmGradientKernels: load @tensorflow/tfjs-backend-wasm first (no wasm kernels are registered)',
    );
  }
  registerWasmInferenceKernels();
  registerTfjsGradients();
  for (const [kernelName, kernelFunc] of Object.entries(WASM_GRADIENT_KERNELS)) {
    const current = tf.getKernel(kernelName, WASM);
    if (current?.kernelFunc !== kernelFunc) register(kernelName, kernelFunc, current);
  }
  for (const [kernelName, wrap] of Object.entries(WASM_FASTER_KERNELS)) {
    const own = tf.getKernel(kernelName, WASM);
    if (own == null)
      throw new Error(`registerWasmGradientKernels: wasm has no ${kernelName} kernel to speed up`);
    if (wrappers.has(own.kernelFunc)) continue;
    const wrapper = wrap(own.kernelFunc);
    wrappers.add(wrapper);
    // Sum and Mean wrap the accurate kernels (registered above), which stay inside for what they pass on.
    if (accurate.has(own.kernelFunc)) accurate.add(wrapper);
    register(kernelName, wrapper, own);
  }
  return [...Object.keys(WASM_GRADIENT_KERNELS), ...Object.keys(WASM_FASTER_KERNELS)];
}
