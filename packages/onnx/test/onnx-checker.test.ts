/**
 * ONNX's own checker on our export: where python3 has the `onnx` package (Debian: python3-onnx), its full check
 * (schema, operator signatures at opset 17) and strict shape inference must pass and infer the output shapes we
 * declare. Skipped, saying so, where it is not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPriors } from '@ssd/boxes';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { exportOnnx } from '../src';
import { randomDetector } from './helpers/models';

const PYTHON = ['python3', '/usr/bin/python3'].find(
  (p) => spawnSync(p, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0,
);
const CHECK = `
import json, sys, onnx
model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
print(json.dumps({o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim] for o in inferred.graph.output}))
`;

if (!PYTHON) console.log('python3 with the onnx package not found: ONNX checker test skipped');

(PYTHON ? it : it.skip).each(['mobilenet_v3_ssd320_voc0712', 'quickstart_mobilenet_v2_ssdlite_shapes'])(
  '%s passes onnx.checker and shape inference',
  async (config) => {
    await tf.setBackend('wasm');
    const dir = mkdtempSync(path.join(tmpdir(), 'ssd-onnx-check-'));
    const model = randomDetector(config);
    try {
      const file = path.join(dir, 'model.onnx');
      writeFileSync(file, exportOnnx(model));
      const r = spawnSync(PYTHON!, ['-c', CHECK, file], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const priors = buildPriors(model.cfg).length / 4;
      expect(JSON.parse(r.stdout)).toEqual({
        scores: ['N', priors, model.cfg.MODEL.NUM_CLASSES],
        boxes: ['N', priors, 4],
      });
    } finally {
      model.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
