import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  BACKBONES,
  Backbone,
  BOX_HEADS,
  BOX_PREDICTORS,
  buildBackbone,
  buildDetectionModel,
  META_ARCHITECTURES,
  nn,
  PRETRAINED_SOURCES,
  SSDDetector,
} from '../src';
import { tinyMobilenetConfig } from './detector-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

test('the built-in components are registered under the reference names', () => {
  expect(BACKBONES.names()).toEqual(expect.arrayContaining(['vgg', 'mobilenet_v2']));
  expect(BOX_PREDICTORS.names()).toEqual(expect.arrayContaining(['SSDBoxPredictor', 'SSDLiteBoxPredictor']));
  expect(BOX_HEADS.names()).toEqual(['SSDBoxHead']);
  expect(META_ARCHITECTURES.names()).toEqual(['SSDDetector']);
  expect(PRETRAINED_SOURCES.names()).toEqual(BACKBONES.names());
});

test('build functions select by config name and report unknown names', () => {
  const cfg = tinyMobilenetConfig();
  cfg.MODEL.BACKBONE.NAME = 'resnet_9000';
  const store = new nn.StateStore();
  expect(() => buildBackbone(cfg, new nn.Scope(store, 'backbone'))).toThrow(
    /unknown backbone 'resnet_9000' \(MODEL\.BACKBONE\.NAME\); registered: (.*, )?mobilenet_v2, (.*, )?vgg/,
  );
  const bad = tinyMobilenetConfig();
  bad.MODEL.BOX_HEAD.PREDICTOR = 'Nope';
  const tensors = tf.memory().numTensors;
  expect(() => buildDetectionModel(bad)).toThrow(
    /unknown box predictor 'Nope' \(MODEL\.BOX_HEAD\.PREDICTOR\)/,
  );
  // The backbone built before the failure is freed.
  expect(tf.memory().numTensors).toBe(tensors);
  const other = tinyMobilenetConfig();
  other.MODEL.META_ARCHITECTURE = 'FasterRCNN';
  expect(() => buildDetectionModel(other)).toThrow(/unknown meta architecture 'FasterRCNN'/);
  const model = buildDetectionModel(tinyMobilenetConfig());
  expect(model).toBeInstanceOf(SSDDetector);
  model.dispose();
});

test('a backbone registered at run time is picked by name and its tensors are named under backbone.', async () => {
  // Two strided convs: 16×16 input → 8×8 and 4×4 maps.
  BACKBONES.register('registry_test_toy', (_cfg, scope) => {
    const a = new nn.Conv2d(scope.child('a'), {
      inChannels: 3,
      outChannels: 8,
      kernelSize: 3,
      stride: 2,
      padding: 1,
    });
    const b = new nn.Conv2d(scope.child('b'), {
      inChannels: 8,
      outChannels: 4,
      kernelSize: 3,
      stride: 2,
      padding: 1,
    });
    // The feature maps are the trunk's outputs after its 2nd and 3rd layers.
    return new Backbone({ layers: [a, new nn.ReLU(), b], taps: [2, 3] });
  });
  const cfg = tinyMobilenetConfig();
  cfg.MODEL.BACKBONE.NAME = 'registry_test_toy';
  cfg.MODEL.BACKBONE.OUT_CHANNELS = [8, 4];
  cfg.MODEL.BOX_HEAD.PREDICTOR = 'SSDBoxPredictor';
  cfg.INPUT.IMAGE_SIZE = 16;
  cfg.MODEL.PRIORS = {
    FEATURE_MAPS: [8, 4],
    STRIDES: [2, 4],
    MIN_SIZES: [4, 8],
    MAX_SIZES: [8, 12],
    ASPECT_RATIOS: [[2], [2]],
    BOXES_PER_LOCATION: [4, 4],
    CLIP: true,
  };
  const model = buildDetectionModel(cfg);
  expect([...model.stateDict().keys()].slice(0, 4)).toEqual([
    'backbone.a.weight',
    'backbone.a.bias',
    'backbone.b.weight',
    'backbone.b.bias',
  ]);
  const [detections] = await model.detect(tf.zeros([1, 16, 16, 3]) as tf.Tensor4D);
  expect(detections.boxes.length).toBe(detections.scores.length * 4);
  model.dispose();
});

test('a backbone factory must give a Backbone, not any object with a forward', () => {
  BACKBONES.register(
    'registry_test_plain',
    () => ({ forward: (x: tf.Tensor4D) => [x] }) as unknown as Backbone,
  );
  const cfg = tinyMobilenetConfig();
  cfg.MODEL.BACKBONE.NAME = 'registry_test_plain';
  const tensors = tf.memory().numTensors;
  expect(() => buildDetectionModel(cfg)).toThrow(
    "backbone 'registry_test_plain' (MODEL.BACKBONE.NAME): its factory returned Object, not a Backbone",
  );
  expect(tf.memory().numTensors).toBe(tensors);
});
