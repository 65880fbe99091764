// A plug-in for `ssd --require`: the toy backbone as `faulty_toy_backbone`, whose second forward pass throws,
// so a test sees what `ssd demo` does when the model itself fails midway.
const { BACKBONES } = require('@ssd/modeling');
const { ToyBackbone } = require('@ssd-test/custom-backbone');

let forwards = 0;

/** The toy backbone, throwing on the process's second forward pass. */
class FaultyToyBackbone extends ToyBackbone {
  forward(images, ctx) {
    if (++forwards === 2) throw new Error('injected model fault');
    return super.forward(images, ctx);
  }
}

BACKBONES.register(
  'faulty_toy_backbone',
  (cfg, scope) => new FaultyToyBackbone(scope, cfg.MODEL.BACKBONE.OUT_CHANNELS),
);
