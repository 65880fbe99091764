/**
 * The momentum step as one kernel that a backend may register: a GPU runs each of SGD's elementwise ops as a
 * separate dispatch (six per parameter, ~1,500 per MobileNetV2-SSD step), so backends where dispatches cost
 * more than the arithmetic implement the whole step. Backends that do not register it get the composed ops.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Kernel name. Inputs `{param, grad, buffer}` (same shape, float32), attrs {@link MomentumUpdateAttrs};
 * outputs `[buffer', param']` with buffer' = momentum·buffer + grad + weightDecay·param and
 * param' = param − lr·buffer' (PyTorch's SGD after its first step).
 */
export const SGD_MOMENTUM_UPDATE = 'SsdSgdMomentumUpdate';

/** The hyper-parameters of one momentum step. */
export interface MomentumUpdateAttrs {
  lr: number;
  momentum: number;
  weightDecay: number;
}

/** The fused step's new buffer and parameter, where the active backend registers the kernel; else null. */
export function fusedMomentumUpdate(
  param: tf.Tensor,
  grad: tf.Tensor,
  buffer: tf.Tensor,
  attrs: MomentumUpdateAttrs,
): [buffer: tf.Tensor, param: tf.Tensor] | null {
  if (tf.getKernel(SGD_MOMENTUM_UPDATE, tf.getBackend()) == null) return null;
  const inputs = { param, grad, buffer } as unknown as tf.NamedTensorMap;
  const out = tf.engine().runKernel(SGD_MOMENTUM_UPDATE, inputs, attrs as unknown as tf.NamedAttrMap);
  return out as unknown as [tf.Tensor, tf.Tensor];
}
