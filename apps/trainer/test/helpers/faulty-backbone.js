// Test-only backbones for every training thread that loads this file (workers through workerImports): the
// toy backbone, which in a worker thread fails after its forward pass, so that the main thread is left
// waiting at the first BatchNorm of the backward pass. `throwing_toy_backbone` throws there;
// `stalling_toy_backbone` blocks for 3 s first.
const { isMainThread } = require('node:worker_threads');
const { BACKBONES } = require('@ssd/modeling');
const { ToyBackbone } = require('@ssd-test/custom-backbone');

const FAULTS = {
  throwing_toy_backbone: () => {
    throw new Error('injected fault in a worker');
  },
  stalling_toy_backbone: () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000),
};

/** The toy backbone, faulting after its forward pass in a worker thread. */
class FaultyToyBackbone extends ToyBackbone {
  constructor(scope, channels, fault) {
    super(scope, channels);
    this.fault = fault;
  }

  forward(images, ctx) {
    const out = super.forward(images, ctx);
    if (!isMainThread) this.fault();
    return out;
  }
}

for (const [name, fault] of Object.entries(FAULTS)) {
  BACKBONES.register(
    name,
    (cfg, scope) => new FaultyToyBackbone(scope, cfg.MODEL.BACKBONE.OUT_CHANNELS, fault),
  );
}
