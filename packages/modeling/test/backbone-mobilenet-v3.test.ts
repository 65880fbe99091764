import * as path from 'node:path';
import { loadConfig, type SSDConfig } from '@ssd/config';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { type Backbone, MobileNetV3 } from '../src/backbone';
import { Scope, StateStore } from '../src/nn';
import { BACKBONES, buildBackbone } from '../src/registry';
import {
  CONFIG_DIR,
  fixtureMismatches,
  formulaImage,
  formulaWeights,
  ourKeys,
  readForwardFixture,
  referenceBackboneKeys,
} from './backbone-reference-fixture';

const CONFIG = 'mobilenet_v3_ssd320_voc0712';
const fixture = readForwardFixture('mobilenet_v3_backbone_forward.json');

let cfg: SSDConfig;
let store: StateStore;
let backbone: Backbone;

beforeAll(async () => {
  await tf.setBackend('cpu');
  cfg = loadConfig(path.join(CONFIG_DIR, `${CONFIG}.yaml`));
  store = new StateStore(0);
  backbone = buildBackbone(cfg, new Scope(store, 'backbone'));
});

afterAll(() => store.dispose());

test('mobilenet_v3 is registered and built from its reference config', () => {
  expect(cfg.MODEL.BACKBONE.NAME).toBe('mobilenet_v3');
  expect(BACKBONES.names()).toContain('mobilenet_v3');
  expect(backbone).toBeInstanceOf(MobileNetV3);
});

test('backbone tensors match the reference state_dict one to one, in order', () => {
  expect(ourKeys(store)).toEqual(referenceBackboneKeys(CONFIG));
});

test('initialisation follows reset_parameters (kaiming-normal fan_out convs, N(0, 0.01) linears, BN 1/0)', () => {
  const std = (name: string) =>
    tf.tidy(() => tf.sqrt(tf.moments(store.get(name).variable).variance).dataSync()[0]);
  // features.16.0: 1×1 conv 160 → 960 (fan_out 960); extras.0.conv.5.fc.0: Linear 192 → 48.
  expect(std('backbone.features.16.0.weight')).toBeCloseTo(Math.sqrt(2 / 960), 3);
  expect(std('backbone.extras.0.conv.5.fc.0.weight')).toBeCloseTo(0.01, 3);
  expect(
    store
      .get('backbone.extras.0.conv.5.fc.0.bias')
      .variable.dataSync()
      .every((v) => v === 0),
  ).toBe(true);
  expect(
    store
      .get('backbone.features.16.1.weight')
      .variable.dataSync()
      .every((v) => v === 1),
  ).toBe(true);
});

describe('eval forward with the formula weights on the formula image', () => {
  let features: tf.Tensor4D[];

  beforeAll(() => {
    expect(fixture.numTensors).toBe(store.entries().length);
    store.loadTorch(formulaWeights(store, fixture.weightGain));
    features = tf.tidy(() => backbone.forward(formulaImage(cfg.INPUT.IMAGE_SIZE), { training: false }));
  });

  afterAll(() => tf.dispose(features));

  test('gives the feature maps FEATURE_MAPS and OUT_CHANNELS describe', () => {
    const { FEATURE_MAPS } = cfg.MODEL.PRIORS;
    expect(features.map((f) => f.shape)).toEqual(
      FEATURE_MAPS.map((size, i) => [1, size, size, cfg.MODEL.BACKBONE.OUT_CHANNELS[i]]),
    );
  });

  test('equals the PyTorch reference (1e-3 relative + 1e-4 absolute)', () => {
    expect(fixture.imageSize).toBe(cfg.INPUT.IMAGE_SIZE);
    expect(fixtureMismatches(features, fixture)).toEqual([]);
  });
});
