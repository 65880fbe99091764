import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@ssd/config';
import {
  checkOnnxModel,
  encodeModel,
  expectedExport,
  GraphBuilder,
  type ModelProto,
  OnnxDetector,
  OnnxModelError,
} from '../src';
import { checkRunOutputs } from '../src/runtime/check-model';

// The hostile-input suite for `.onnx` files: graphs whose tensors their input does not bound, inputs and
// outputs other than an ssd export's, files that are not. Each is refused at load, before ONNX Runtime sees
// it, in one message naming the file, within a second.

const cfg = loadConfig('quickstart_mobilenet_v2_ssdlite_shapes');
const { size: S, priors: P, classes: C } = expectedExport(cfg);
const dir = mkdtempSync(path.join(tmpdir(), 'ssd-hostile-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Dim = number | 'N';
const tensorInfo = (name: string, dims: readonly Dim[], elemType = 1) => ({
  name,
  type: {
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (d === 'N' ? { dimParam: 'N' } : { dimValue: d })) },
    },
  },
});

/** A `.onnx` file of `g`'s nodes and initializers, declaring an ssd export's input and outputs unless told otherwise. */
function onnxFile(
  name: string,
  g: GraphBuilder,
  io: { inputs?: ReturnType<typeof tensorInfo>[]; outputs?: ReturnType<typeof tensorInfo>[] } = {},
): string {
  const model: ModelProto = {
    irVersion: 8,
    producerName: 'hostile',
    producerVersion: '',
    opsetImport: [{ domain: '', version: 17 }],
    metadataProps: [],
    graph: {
      name: 'g',
      node: g.nodes,
      initializer: g.initializers,
      input: io.inputs ?? [tensorInfo('images', ['N', 3, S, S])],
      output: io.outputs ?? [tensorInfo('scores', ['N', P, C]), tensorInfo('boxes', ['N', P, 4])],
    },
  };
  const file = path.join(dir, name);
  writeFileSync(file, encodeModel(model));
  return file;
}

/** The OnnxModelError `OnnxDetector.load` refuses `file` with, within a second. */
async function refusal(file: string): Promise<string> {
  const start = performance.now();
  let error: unknown;
  try {
    (await OnnxDetector.load(file, cfg, { threads: 1 })).dispose();
  } catch (e) {
    error = e;
  }
  expect(performance.now() - start).toBeLessThan(1000);
  expect(error).toBeInstanceOf(OnnxModelError);
  return (error as Error).message;
}

/** Valid `scores` and `boxes` computed from `x` ([N, 3, S, S]): softmax of a reshape, and a slice. */
function validOutputs(g: GraphBuilder, x: string): void {
  const flat = g.op('Reshape', [x, g.int64s([0, -1, C])], []);
  const scores = g.op('Slice', [flat.name, g.int64s([0]), g.int64s([P]), g.int64s([1])], []);
  g.op('Softmax', [scores], [], { axis: { int: 2 } }, 'scores');
  const four = g.op('Reshape', [x, g.int64s([0, -1, 4])], []);
  g.op('Slice', [four.name, g.int64s([0]), g.int64s([P]), g.int64s([1])], [], {}, 'boxes');
}

describe('hostile .onnx: graphs not bounded by their input', () => {
  it('refuses a model of a few hundred bytes whose ConstantOfShape makes [1, 5e7, 6] (6.9 GB per detection)', async () => {
    const g = new GraphBuilder();
    g.op('ConstantOfShape', [g.int64s([1, 5e7, 6])], [], {}, 'scores');
    g.op('ConstantOfShape', [g.int64s([1, 5e7, 4])], [], {}, 'boxes');
    const file = onnxFile('constant-of-shape.onnx', g);
    expect(statSync(file).size).toBeLessThan(400);
    expect(await refusal(file)).toMatch(
      new RegExp(
        `^${file}: not supported: node 0 \\('ConstantOfShape', ConstantOfShape\\): an ssd export uses only .*BatchNormalization.*, whose output sizes follow from the input's$`,
      ),
    );
  });

  it('refuses a Concat that doubles the image thirty times, at the node that passes the bound', async () => {
    const g = new GraphBuilder();
    let x = 'images';
    for (let i = 0; i < 30; i++) x = g.op('Concat', [x, x], [], { axis: { int: 1 } }).name;
    validOutputs(g, x);
    // 2^9 × the image is the first over 256 ×.
    expect(await refusal(onnxFile('doubling.onnx', g))).toMatch(
      /: node 8 \('Concat_9', Concat\) gives \[1, 1536, 160, 160\], 39321600 elements: more than the 19660800 its input bounds$/,
    );
  });

  it('refuses a broadcast of two 40 KB constants into 10^8 elements', async () => {
    const g = new GraphBuilder();
    const a = g.floats('a', new Float32Array(10_000), [1, 10_000, 1]);
    const b = g.floats('b', new Float32Array(10_000), [1, 1, 10_000]);
    g.op('Mul', [a, b], []);
    validOutputs(g, 'images');
    expect(await refusal(onnxFile('broadcast.onnx', g))).toMatch(
      /: node 0 \('Mul', Mul\) gives \[1, 10000, 10000\], 100000000 elements: more than the 19660800 its input bounds$/,
    );
  });

  it('refuses tensors that grow with the square of the batch', async () => {
    const g = new GraphBuilder();
    const rows = g.op('Reshape', ['images', g.int64s([0, -1])], []);
    const cols = g.op('Transpose', [rows], [], { perm: { ints: [1, 0] } });
    g.op('MatMul', [rows, cols], []); // [N, N]
    validOutputs(g, 'images');
    expect(await refusal(onnxFile('square.onnx', g))).toMatch(
      /: tensor 'MatMul_out' is \[1, 1\] for one image but \[3, 3\] for three: its size does not follow the batch$/,
    );
  });

  it('refuses a shape read from something computed at run time', async () => {
    const g = new GraphBuilder();
    const shape = g.op('Relu', [g.int64s([1, -1, C])], []);
    g.op('Reshape', ['images', shape.name], [], {}, 'scores');
    const file = onnxFile('computed-shape.onnx', g);
    expect(await refusal(file)).toMatch(
      /: node 1 \('Reshape', Reshape\) its shape is not a constant initializer \(a size computed at run time cannot be bounded\)$/,
    );
  });

  it('refuses operators of other domains, and values read before they are made', async () => {
    const custom = new GraphBuilder();
    custom.op('Relu', ['images'], []);
    Object.assign(custom.nodes[0]!, { domain: 'com.microsoft' });
    expect(await refusal(onnxFile('domain.onnx', custom))).toMatch(
      /: node 0 \('Relu', Relu\) is in operator domain 'com\.microsoft', not ONNX's own$/,
    );
    const early = new GraphBuilder();
    early.op('Relu', ['later'], []);
    expect(await refusal(onnxFile('early.onnx', early))).toMatch(
      /: node 0 \('Relu', Relu\) reads 'later' before it is made$/,
    );
  });

  it('refuses an initializer claiming more than the file holds', async () => {
    const g = new GraphBuilder();
    g.floats('w', new Float32Array(1), [1]);
    g.initializers[0]!.dims = [1e6, 1e6];
    validOutputs(g, 'images');
    expect(await refusal(onnxFile('claims.onnx', g))).toMatch(
      /: initializer 'w' claims a shape \[1000000, 1000000\] larger than the file$/,
    );
  });
});

describe('hostile .onnx: inputs and outputs', () => {
  const valid = () => {
    const g = new GraphBuilder();
    validOutputs(g, 'images');
    return g;
  };

  it("loads a graph with the export's inputs, outputs and bounded tensors", async () => {
    const file = onnxFile('valid.onnx', valid());
    expect(() => checkOnnxModel(file, cfg)).not.toThrow();
  });

  it.each([
    [
      'scores of another dtype',
      { outputs: [tensorInfo('scores', ['N', P, C], 7), tensorInfo('boxes', ['N', P, 4])] },
      `is not an ssd export for this config: 'scores' holds elements of ONNX type 7, not float32`,
    ],
    [
      "a prior count other than the config's",
      { outputs: [tensorInfo('scores', ['N', 100, C]), tensorInfo('boxes', ['N', 100, 4])] },
      `does not fit the config: it gives 100 boxes per image but MODEL.PRIORS defines ${P}; is the config the one it was exported with?`,
    ],
    [
      'a fixed batch',
      { inputs: [tensorInfo('images', [1, 3, S, S])] },
      `is not an ssd export for this config: 'images' is [1, 3, ${S}, ${S}], not [N, 3, ${S}, ${S}]`,
    ],
    [
      'a third output',
      {
        outputs: [
          tensorInfo('scores', ['N', P, C]),
          tensorInfo('boxes', ['N', P, 4]),
          tensorInfo('extra', ['N']),
        ],
      },
      "is not an ssd export: expected input 'images' and outputs 'scores', 'boxes'; it has inputs images and outputs scores, boxes, extra",
    ],
  ])('refuses %s, naming the file', async (_, io, message) => {
    const file = onnxFile('io.onnx', valid(), io);
    expect(await refusal(file)).toBe(`${file} ${message}`);
  });

  it('refuses a graph that computes other shapes than it declares', async () => {
    const g = new GraphBuilder();
    g.op('Reshape', ['images', g.int64s([0, -1, C])], [], {}, 'scores');
    const four = g.op('Reshape', ['images', g.int64s([0, -1, 4])], []);
    g.op('Slice', [four.name, g.int64s([0]), g.int64s([P]), g.int64s([1])], [], {}, 'boxes');
    const file = onnxFile('computes.onnx', g);
    expect(await refusal(file)).toBe(
      `${file}: its graph computes 'scores' as [1, ${(3 * S * S) / C}, ${C}] for one image, though it declares [N, ${P}, ${C}]`,
    );
  });

  it('names the model, not the images, when a run gives malformed outputs', () => {
    const want = expectedExport(cfg);
    expect(() =>
      checkRunOutputs('m.onnx', want, 2, {
        scores: { dims: [2, P, C], data: new Float32Array(2 * P * C) },
        boxes: { dims: [2, 7, 4], data: new Float32Array(56) },
      }),
    ).toThrow(
      `the ONNX model m.onnx gave 'boxes' as [2, 7, 4] float32, not float32 [2, ${P}, 4]: the model is at fault, not the images`,
    );
  });

  it.each([
    ['a folder', () => dir, 'is a folder, not a regular file'],
    [
      'a FIFO',
      () => {
        const fifo = path.join(dir, 'pipe.onnx');
        execFileSync('mkfifo', [fifo]);
        return fifo;
      },
      'is a FIFO (named pipe), not a regular file',
    ],
  ])('names %s given as a model, at once', async (_, make, reason) => {
    const file = make();
    expect(await refusal(file)).toBe(`cannot load ONNX model ${file}: ${reason}`);
  });

  it('names a file that is not ONNX at all', async () => {
    const file = path.join(dir, 'text.onnx');
    writeFileSync(file, 'not a model at all, just some text');
    expect(await refusal(file)).toMatch(
      new RegExp(`^cannot load ONNX model ${file}: it is not an ONNX model \\(`),
    );
  });
});
