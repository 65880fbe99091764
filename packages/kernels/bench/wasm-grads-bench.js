// Times the backward kernels of a 3×3 conv 64→64 (and of a 3×3 depthwise conv and a 2×2 max-pool on the same
// feature map) on the wasm backend, with our gradient kernels, and on the pure-JS cpu backend.
// Usage (after `pnpm --filter @ssd/kernels... build`): node bench/wasm-grads-bench.js [size=75] [runs=5] [backends=wasm,cpu]
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
require('@tensorflow/tfjs-backend-wasm');
const { registerTrainingKernels } = require('../dist');

const size = Number(process.argv[2] ?? 75);
const runs = Number(process.argv[3] ?? 5);
const backends = (process.argv[4] ?? 'wasm,cpu').split(',');
const channels = 64;

function random(shape) {
  return tf.randomUniform(shape, -1, 1, 'float32', 7);
}

/** Median wall time of `runs` calls of `fn` (after one warm-up), reading the result back each time. */
function time(fn) {
  const once = () => {
    const start = performance.now();
    const out = fn();
    out.dataSync();
    out.dispose();
    return performance.now() - start;
  };
  once();
  const times = Array.from({ length: runs }, once).sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}

async function main() {
  registerTrainingKernels('wasm');
  const shape = [1, size, size, channels];
  console.log(`1×${size}×${size}×${channels}, median of ${runs} runs (ms)`);
  for (const backend of backends) {
    await tf.setBackend(backend);
    const x = random(shape);
    const w = random([3, 3, channels, channels]);
    const dw = random([3, 3, channels, 1]);
    const dy = random(shape);
    const dyPool = random([1, Math.floor(size / 2), Math.floor(size / 2), channels]);
    const conv = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
    const depthwise = { strides: 1, pad: 'same', dilations: 1 };
    const rows = {
      'conv forward': () => tf.conv2d(x, w, 1, 'same'),
      'conv dx (Conv2DBackpropInput)': () =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...conv, inputShape: shape }),
      'conv dW (Conv2DBackpropFilter)': () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: w.shape }),
      'conv step (tf.grads: fwd+dx+dW)': () => {
        const [gx, gw] = tf.grads((a, b) => tf.sum(tf.mul(tf.conv2d(a, b, 1, 'same'), dy)))([x, w]);
        gx.dispose();
        return gw;
      },
      'depthwise dx': () =>
        tf
          .engine()
          .runKernel(
            'DepthwiseConv2dNativeBackpropInput',
            { dy, filter: dw },
            { ...depthwise, inputShape: shape },
          ),
      'depthwise dW': () =>
        tf
          .engine()
          .runKernel(
            'DepthwiseConv2dNativeBackpropFilter',
            { x, dy },
            { ...depthwise, filterShape: dw.shape },
          ),
      'maxPool 2×2 s2 grad': () => {
        const y = tf.maxPool(x, 2, 2, 'valid');
        const dx = tf
          .engine()
          .runKernel(
            'MaxPoolGrad',
            { dy: dyPool, input: x, output: y },
            { filterSize: 2, strides: 2, pad: 'valid' },
          );
        y.dispose();
        return dx;
      },
    };
    for (const [name, fn] of Object.entries(rows))
      console.log(`${backend.padEnd(5)} ${name.padEnd(32)} ${time(fn).toFixed(1)}`);
    tf.dispose([x, w, dw, dy, dyPool]);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
