import * as tf from '@tensorflow/tfjs-core';
import { relu6Gradient } from './relu6-gradient';

/**
 * Registers tfjs's gradient functions with tfjs-core, with Relu6's replaced by an equal but faster one;
 * idempotent. The CommonJS build of tfjs-core that Node loads defines no gradients at all: they ship inside
 * @tensorflow/tfjs, which registers them against the same tfjs-core instance when it is first loaded.
 */
export function registerTfjsGradients(): void {
  require('@tensorflow/tfjs');
  if (tf.getGradient(tf.Conv2D) == null) {
    throw new Error(
      'registerTrainingKernels: @tensorflow/tfjs loaded but registered no gradients with this @tensorflow/tfjs-core ' +
        '(two copies of tfjs-core are installed; their versions must match)',
    );
  }
  if (tf.getGradient(tf.Relu6) !== relu6Gradient) tf.registerGradient(relu6Gradient);
}
