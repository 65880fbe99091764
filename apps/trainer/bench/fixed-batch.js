// The benchmarks' training batch: random images and two ground-truth boxes per image encoded against the priors.
const tf = require('@tensorflow/tfjs-core');
const { buildPriors, matchAndEncode } = require('@ssd/boxes');

/** A fixed batch: random images and two ground-truth boxes per image encoded against the priors. */
function batchOf(cfg, n) {
  const priors = buildPriors(cfg);
  const size = cfg.INPUT.IMAGE_SIZE;
  const enc = matchAndEncode(
    Float32Array.from([0.1, 0.2, 0.5, 0.7, 0.45, 0.4, 0.95, 0.9]),
    Int32Array.from([1, 2]),
    priors,
    cfg,
  );
  const p = priors.length / 4;
  const repeat = (a, C) => {
    const out = new C(a.length * n);
    for (let i = 0; i < n; i++) out.set(a, i * a.length);
    return out;
  };
  return {
    images: tf.randomUniform([n, size, size, 3], -120, 120, 'float32', 1),
    targets: {
      boxes: tf.tensor3d(repeat(enc.locations, Float32Array), [n, p, 4]),
      labels: tf.tensor2d(repeat(enc.labels, Int32Array), [n, p], 'int32'),
    },
  };
}

module.exports = { batchOf };
