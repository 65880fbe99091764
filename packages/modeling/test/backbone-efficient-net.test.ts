import * as path from 'node:path';
import { loadConfig, type SSDConfig } from '@ssd/config';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import {
  type Backbone,
  dropConnect,
  EFFICIENT_NET_VARIANTS,
  EfficientNet,
  efficientNetBatchNorm,
  efficientNetGlobalParams,
  MBConvBlock,
} from '../src/backbone';
import { batchDraws, Scope, StateStore, type TrainingDraws } from '../src/nn';
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

const CONFIG = 'efficient_net_b3_ssd300_voc0712';
const fixture = readForwardFixture('efficient_net_b3_backbone_forward.json');
const B3 = efficientNetGlobalParams(EFFICIENT_NET_VARIANTS['efficientnet-b3']);
const train = { training: true };
const infer = { training: false };

let cfg: SSDConfig;
let store: StateStore;
let backbone: Backbone;

// A 300×300 EfficientNet-B3 forward takes about a minute on the pure-JS backend; wasm runs it in seconds.
beforeAll(async () => {
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend did not start');
  cfg = loadConfig(path.join(CONFIG_DIR, `${CONFIG}.yaml`));
  store = new StateStore(0);
  backbone = buildBackbone(cfg, new Scope(store, 'backbone'));
});

afterAll(() => store.dispose());

test('efficient_net-b3 is registered and built from its reference config', () => {
  expect(cfg.MODEL.BACKBONE.NAME).toBe('efficient_net-b3');
  expect(BACKBONES.names()).toContain('efficient_net-b3');
  expect(backbone).toBeInstanceOf(EfficientNet);
});

test('backbone tensors match the reference state_dict one to one, in order (extras first)', () => {
  expect(ourKeys(store)).toEqual(referenceBackboneKeys(CONFIG));
});

test('variants the reference does not define are refused by name', () => {
  expect(() => new EfficientNet(new Scope(new StateStore()), 'efficientnet-b0')).toThrow(
    /not supported: EfficientNet variant 'efficientnet-b0'/,
  );
});

test('extras start xavier-uniform with zero bias; the rest keeps PyTorch default init', () => {
  const values = (name: string) => Array.from(store.get(name).variable.dataSync());
  const maxAbs = (name: string) => values(name).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  // extras.0.2: 3×3 conv 128 → 256, fan_in 1152, fan_out 2304.
  const xavier = Math.sqrt(6 / (128 * 9 + 256 * 9));
  expect(maxAbs('backbone.extras.0.2.weight')).toBeLessThanOrEqual(xavier);
  expect(maxAbs('backbone.extras.0.2.weight')).toBeGreaterThan(0.95 * xavier);
  expect(values('backbone.extras.0.2.bias').every((v) => v === 0)).toBe(true);
  // _conv_stem: 3×3 conv 3 → 40, default bound 1 / sqrt(fan_in 27).
  expect(maxAbs('backbone._conv_stem.weight')).toBeLessThanOrEqual(1 / Math.sqrt(27));
  expect(maxAbs('backbone._conv_stem.weight')).toBeGreaterThan(0.9 / Math.sqrt(27));
});

describe('eval forward with the formula weights on the formula image', () => {
  let features: tf.Tensor4D[];

  beforeAll(() => {
    expect(fixture.numTensors).toBe(store.entries().length);
    store.loadTorch(formulaWeights(store, fixture.weightGain));
    features = tf.tidy(() => backbone.forward(formulaImage(cfg.INPUT.IMAGE_SIZE), infer));
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

test('BatchNorm uses eps 1e-3 and PyTorch momentum 1 - 0.99', () => {
  const s = new StateStore();
  const bn = efficientNetBatchNorm(new Scope(s), 2, B3);
  const x = tf.tensor4d([1, 10, 3, 20, 5, 30, 7, 40], [1, 2, 2, 2]);
  tf.tidy(() => bn.forward(x, train));
  // Batch means 4 and 25, folded into the zero running mean with weight 0.01.
  expect(Array.from(bn.runningMean.dataSync())).toEqual([expect.closeTo(0.04, 6), expect.closeTo(0.25, 6)]);
  bn.runningMean.assign(tf.tensor1d([0, 0]));
  bn.runningVar.assign(tf.tensor1d([0.001, 0.001]));
  // (x - 0) / sqrt(0.001 + 1e-3): exactly x / sqrt(0.002) only with eps 1e-3.
  const y = tf.tidy(() => bn.forward(x, infer).dataSync());
  expect(y[0]).toBeCloseTo(1 / Math.sqrt(0.002), 3);
  s.dispose();
  x.dispose();
});

describe('drop-connect', () => {
  test('outside training it returns the input itself', () => {
    const x = tf.ones([4, 2, 2, 3]) as tf.Tensor4D;
    expect(dropConnect(x, 0.5, { training: false }, 0)).toBe(x);
    x.dispose();
  });

  /** Which of `n` samples drop-connect at `rate` zeroes; asserts the kept ones are scaled by 1 / keep. */
  function droppedSamples(n: number, rate: number, draws?: TrainingDraws, site = 0): boolean[] {
    const rows = tf.tidy(
      () =>
        tf
          .reshape(dropConnect(tf.ones([n, 2, 2, 1]) as tf.Tensor4D, rate, { training: true, draws }, site), [
            n,
            4,
          ])
          .arraySync() as number[][],
    );
    return rows.map((row) => {
      if (row.every((v) => v === 0)) return true;
      for (const v of row) expect(v).toBeCloseTo(1 / (1 - rate), 5);
      return false;
    });
  }

  test.each([
    ['tfjs’s generator', undefined],
    ['seeded draws', batchDraws(7, 0, 2000)],
  ])('in training it zeroes whole samples with the given rate and rescales the rest (%s)', (_, draws) => {
    const dropped = droppedSamples(2000, 0.3, draws).filter(Boolean).length;
    // Binomial(2000, 0.3): mean 600, sd 20.5.
    expect(dropped).toBeGreaterThan(500);
    expect(dropped).toBeLessThan(700);
  });

  test('seeded draws depend on (seed, site, image) alone: any split of the batch drops the same samples', () => {
    const whole = droppedSamples(40, 0.5, batchDraws(3, 0, 40), 5);
    const split = [
      ...droppedSamples(15, 0.5, batchDraws(3, 0, 15), 5),
      ...droppedSamples(25, 0.5, batchDraws(3, 15, 25), 5),
    ];
    expect(split).toEqual(whole);
    // Another site or seed draws anew (40 fair coins agreeing by chance: 2^-40).
    expect(droppedSamples(40, 0.5, batchDraws(3, 0, 40), 6)).not.toEqual(whole);
    expect(droppedSamples(40, 0.5, batchDraws(4, 0, 40), 5)).not.toEqual(whole);
  });

  test('an MBConv block drops its residual branch per sample in training only', () => {
    const s = new StateStore(1);
    const args = {
      kernelSize: 3,
      numRepeat: 1,
      inputFilters: 8,
      outputFilters: 8,
      expandRatio: 2,
      idSkip: true,
      stride: 1 as const,
      seRatio: 0.25,
    };
    const block = new MBConvBlock(new Scope(s), args, B3);
    const n = 32;
    const x = tf.randomNormal([n, 5, 5, 8], 0, 1, 'float32', 7) as tf.Tensor4D;
    const branch = (ctx: typeof train, rate: number) =>
      tf.tidy(() => tf.reshape(tf.sub(block.forward(x, ctx, rate), x), [n, -1]).arraySync() as number[][]);
    expect(branch(infer, 0.5)).toEqual(branch(infer, 0));
    const full = branch(train, 0);
    const dropped = branch(train, 0.5);
    const outcomes = dropped.map((row, i) => {
      if (row.every((v) => Math.abs(v) < 1e-5)) return 'dropped';
      for (const [j, v] of row.entries()) expect(v).toBeCloseTo(2 * full[i][j], 3);
      return 'kept';
    });
    expect(new Set(outcomes)).toEqual(new Set(['dropped', 'kept']));
    s.dispose();
    x.dispose();
  });
});
