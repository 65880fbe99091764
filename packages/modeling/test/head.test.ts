import '@tensorflow/tfjs-backend-cpu';
import { defaultConfig, type SSDConfig } from '@ssd/config';
import * as tf from '@tensorflow/tfjs-core';
import { nn, ssdBoxPredictor, ssdLiteBoxPredictor } from '../src';
import { convNCHW, maxAbsDiff, nchwToNhwc, seededValues } from './nn-reference';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Two feature maps: 3×3 with 3 channels (4 boxes), 2×2 with 5 channels (6 boxes); 3 classes. */
function smallConfig(): SSDConfig {
  const cfg = defaultConfig();
  cfg.MODEL.NUM_CLASSES = 3;
  cfg.MODEL.BACKBONE.OUT_CHANNELS = [3, 5];
  cfg.MODEL.PRIORS.FEATURE_MAPS = [3, 2];
  cfg.MODEL.PRIORS.BOXES_PER_LOCATION = [4, 6];
  return cfg;
}

const SHAPES = [
  [1, 3, 3, 3],
  [1, 5, 2, 2],
]; // NCHW

function loadRandom(store: nn.StateStore): Map<string, Float32Array> {
  const values = new Map<string, Float32Array>();
  const map = new Map<string, nn.TorchTensorLike>();
  store.entries().forEach((e, i) => {
    const size = e.torchShape.reduce((a, b) => a * b, 1);
    const data = e.name.endsWith('running_var')
      ? seededValues(size, i).map((v) => 1 + v / 2)
      : seededValues(size, 50 + i);
    values.set(e.name, data);
    map.set(
      e.name,
      e.variable.dtype === 'int32'
        ? { shape: [], dtype: 'int64', data: [0n] }
        : { shape: [...e.torchShape], dtype: 'float32', data },
    );
  });
  store.loadTorch(map);
  return values;
}

/** The reference's `header(x).permute(0, 2, 3, 1)` flattened, concatenated over levels, viewed as [-1, k]. */
function referenceOrder(outputs: Array<{ data: Float32Array; shape: number[] }>): Float32Array {
  return Float32Array.from(outputs.flatMap((o) => Array.from(nchwToNhwc(o.data, o.shape))));
}

test('SSDBoxPredictor: 3×3 headers, outputs in (map, row, column, box) order as the reference', () => {
  const cfg = smallConfig();
  const store = new nn.StateStore(1);
  const predictor = ssdBoxPredictor(cfg, new nn.Scope(store, 'box_head.predictor'));
  expect(store.entries().map((e) => [e.name, e.torchShape])).toEqual([
    ['box_head.predictor.cls_headers.0.weight', [12, 3, 3, 3]],
    ['box_head.predictor.cls_headers.0.bias', [12]],
    ['box_head.predictor.cls_headers.1.weight', [18, 5, 3, 3]],
    ['box_head.predictor.cls_headers.1.bias', [18]],
    ['box_head.predictor.reg_headers.0.weight', [16, 3, 3, 3]],
    ['box_head.predictor.reg_headers.0.bias', [16]],
    ['box_head.predictor.reg_headers.1.weight', [24, 5, 3, 3]],
    ['box_head.predictor.reg_headers.1.bias', [24]],
  ]);
  const w = loadRandom(store);
  const feats = SHAPES.map((s, i) =>
    seededValues(
      s.reduce((a, b) => a * b, 1),
      900 + i,
    ),
  );
  const conv = (kind: string, level: number) =>
    convNCHW(
      feats[level],
      SHAPES[level],
      w.get(`box_head.predictor.${kind}.${level}.weight`)!,
      store.get(`box_head.predictor.${kind}.${level}.weight`).torchShape as number[],
      w.get(`box_head.predictor.${kind}.${level}.bias`)!,
      { stride: 1, pad: [1, 1, 1, 1], dilation: 1, groups: 1 },
    );
  const out = predictor.forward(
    SHAPES.map(([n, c, h, wd], i) => tf.tensor4d(nchwToNhwc(feats[i], SHAPES[i]), [n, h, wd, c])),
    { training: false },
  );
  // 9 locations × 4 boxes + 4 locations × 6 boxes.
  expect(out.clsLogits.shape).toEqual([1, 60, 3]);
  expect(out.bboxPred.shape).toEqual([1, 60, 4]);
  const wantCls = referenceOrder([conv('cls_headers', 0), conv('cls_headers', 1)]);
  const wantReg = referenceOrder([conv('reg_headers', 0), conv('reg_headers', 1)]);
  expect(maxAbsDiff(out.clsLogits.dataSync(), wantCls)).toBeLessThan(1e-4);
  expect(maxAbsDiff(out.bboxPred.dataSync(), wantReg)).toBeLessThan(1e-4);
  store.dispose();
});

test('SSDLiteBoxPredictor: separable 3×3 headers, a 1×1 conv on the last map; xavier weights, zero biases', () => {
  const cfg = smallConfig();
  const store = new nn.StateStore(2);
  const predictor = ssdLiteBoxPredictor(cfg, new nn.Scope(store, 'p'));
  expect(store.entries().map((e) => [e.name, e.torchShape])).toEqual([
    ['p.cls_headers.0.conv.0.weight', [3, 1, 3, 3]],
    ['p.cls_headers.0.conv.0.bias', [3]],
    ['p.cls_headers.0.conv.1.weight', [3]],
    ['p.cls_headers.0.conv.1.bias', [3]],
    ['p.cls_headers.0.conv.1.running_mean', [3]],
    ['p.cls_headers.0.conv.1.running_var', [3]],
    ['p.cls_headers.0.conv.1.num_batches_tracked', []],
    ['p.cls_headers.0.conv.3.weight', [12, 3, 1, 1]],
    ['p.cls_headers.0.conv.3.bias', [12]],
    ['p.cls_headers.1.weight', [18, 5, 1, 1]],
    ['p.cls_headers.1.bias', [18]],
    ['p.reg_headers.0.conv.0.weight', [3, 1, 3, 3]],
    ['p.reg_headers.0.conv.0.bias', [3]],
    ['p.reg_headers.0.conv.1.weight', [3]],
    ['p.reg_headers.0.conv.1.bias', [3]],
    ['p.reg_headers.0.conv.1.running_mean', [3]],
    ['p.reg_headers.0.conv.1.running_var', [3]],
    ['p.reg_headers.0.conv.1.num_batches_tracked', []],
    ['p.reg_headers.0.conv.3.weight', [16, 3, 1, 1]],
    ['p.reg_headers.0.conv.3.bias', [16]],
    ['p.reg_headers.1.weight', [24, 5, 1, 1]],
    ['p.reg_headers.1.bias', [24]],
  ]);
  // Initial values: every conv weight xavier-uniform (bound from PyTorch fans), biases 0, BatchNorm (1, 0, 0, 1).
  const bound = (o: number, i: number, k: number) => Math.sqrt(6 / ((i + o) * k * k));
  const maxAbs = (name: string) => Math.max(...Array.from(store.get(name).variable.dataSync(), Math.abs));
  expect(maxAbs('p.cls_headers.0.conv.0.weight')).toBeLessThanOrEqual(bound(3, 1, 3));
  expect(maxAbs('p.cls_headers.0.conv.0.weight')).toBeGreaterThan(bound(3, 1, 3) / 2);
  expect(maxAbs('p.reg_headers.1.weight')).toBeLessThanOrEqual(bound(24, 5, 1));
  for (const e of store.entries().filter((x) => x.name.endsWith('bias') && !x.name.includes('conv.1'))) {
    expect([e.name, maxAbs(e.name)]).toEqual([e.name, 0]);
  }
  expect(Array.from(store.get('p.cls_headers.0.conv.1.weight').variable.dataSync())).toEqual([1, 1, 1]);
  expect(Array.from(store.get('p.cls_headers.0.conv.1.running_var').variable.dataSync())).toEqual([1, 1, 1]);

  // Outputs against the same computation done in NCHW with the PyTorch-layout weights.
  const w = loadRandom(store);
  const feats = SHAPES.map((s, i) =>
    seededValues(
      s.reduce((a, b) => a * b, 1),
      700 + i,
    ),
  );
  const separable = (kind: string) => {
    const k = `p.${kind}.0.conv`;
    const dw = convNCHW(feats[0], SHAPES[0], w.get(`${k}.0.weight`)!, [3, 1, 3, 3], w.get(`${k}.0.bias`)!, {
      stride: 1,
      pad: [1, 1, 1, 1],
      dilation: 1,
      groups: 3,
    });
    const [g, b, m, v] = ['weight', 'bias', 'running_mean', 'running_var'].map((n) => w.get(`${k}.1.${n}`)!);
    const hw = 9;
    const bn = dw.data.map((x, i) => {
      const c = Math.floor(i / hw);
      return Math.min(Math.max(((x - m[c]) / Math.sqrt(v[c] + 1e-5)) * g[c] + b[c], 0), 6);
    });
    const pwShape = store.get(`${k}.3.weight`).torchShape as number[];
    return convNCHW(bn, dw.shape, w.get(`${k}.3.weight`)!, pwShape, w.get(`${k}.3.bias`)!, {
      stride: 1,
      pad: [0, 0, 0, 0],
      dilation: 1,
      groups: 1,
    });
  };
  const last = (kind: string) =>
    convNCHW(
      feats[1],
      SHAPES[1],
      w.get(`p.${kind}.1.weight`)!,
      store.get(`p.${kind}.1.weight`).torchShape as number[],
      w.get(`p.${kind}.1.bias`)!,
      { stride: 1, pad: [0, 0, 0, 0], dilation: 1, groups: 1 },
    );
  const out = predictor.forward(
    SHAPES.map(([n, c, h, wd], i) => tf.tensor4d(nchwToNhwc(feats[i], SHAPES[i]), [n, h, wd, c])),
    { training: false },
  );
  expect(
    maxAbsDiff(out.clsLogits.dataSync(), referenceOrder([separable('cls_headers'), last('cls_headers')])),
  ).toBeLessThan(1e-4);
  expect(
    maxAbsDiff(out.bboxPred.dataSync(), referenceOrder([separable('reg_headers'), last('reg_headers')])),
  ).toBeLessThan(1e-4);
  store.dispose();
});

test('a predictor rejects a config whose per-level lists disagree', () => {
  const cfg = smallConfig();
  cfg.MODEL.PRIORS.BOXES_PER_LOCATION = [4];
  expect(() => ssdBoxPredictor(cfg, new nn.Scope(new nn.StateStore()))).toThrow(
    'MODEL.PRIORS.BOXES_PER_LOCATION has 1 levels but MODEL.BACKBONE.OUT_CHANNELS has 2',
  );
});
