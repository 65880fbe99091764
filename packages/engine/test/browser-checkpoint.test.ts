/**
 * The browser build's checkpoint path, run here in Node: bytes into a model as the file path does it, the format
 * told from a name or the bytes, zoo names through a mirror, downloads over real HTTP with progress, zip entries
 * inflated by fflate as zlib does, and the platform modules that refuse files.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { loadConfig } from '@ssd/config';
import { buildDetectionModel, type SSDDetector } from '@ssd/modeling';
import { REFERENCE_PTH } from '@ssd-test/kit';
import { initBackend } from '../src/backend/select';
import { checkpointUrl, formatOfBytes, formatOfName, readCheckpoint } from '../src/browser/checkpoint-source';
import { saveTrainingCheckpoint } from '../src/checkpoint/checkpointer';
import { modelStateRecords } from '../src/checkpoint/model-state';
import { inflateRaw as inflateNode } from '../src/checkpoint/torch/inflate';
import { inflateRaw as inflateBrowser } from '../src/checkpoint/torch/inflate.browser';
import { readCheckpointBytes } from '../src/checkpoint/torch/read-file.browser';
import { writeTorchCheckpoint } from '../src/checkpoint/torch/write-checkpoint';
import { loadWeightBytes } from '../src/checkpoint/weight-bytes';
import { loadWeights } from '../src/checkpoint/weights';
import { startFileServer } from './helpers/file-server';

const CONFIG = 'mobilenet_v2_ssd320_voc0712';

async function sameWeights(a: SSDDetector, b: SSDDetector): Promise<void> {
  const left = await modelStateRecords(a);
  const right = await modelStateRecords(b);
  expect([...left.keys()]).toEqual([...right.keys()]);
  const bytes = (d: Float32Array | Int32Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  const differing = [...left].filter(([key, r]) => !bytes(r.data).equals(bytes(right.get(key)!.data)));
  expect(differing.map(([key]) => key)).toEqual([]);
}

describe('loadWeightBytes (the browser build loads checkpoints from bytes)', () => {
  const cfg = loadConfig(CONFIG, ['MODEL.DEVICE', 'wasm']);
  beforeAll(() => initBackend('wasm', () => {}), 60_000);

  it('loads the reference .pth from its bytes exactly as loadWeights does from the file', async () => {
    const fromFile = buildDetectionModel(cfg);
    const fromBytes = buildDetectionModel(cfg);
    try {
      loadWeights(fromFile, REFERENCE_PTH);
      loadWeightBytes(fromBytes, readFileSync(REFERENCE_PTH), 'https://example.org/m.pth', 'pth');
      await sameWeights(fromFile, fromBytes);
    } finally {
      fromFile.dispose();
      fromBytes.dispose();
    }
  }, 120_000);

  it('loads our .safetensors from its bytes', async () => {
    const source = buildDetectionModel(cfg);
    const target = buildDetectionModel(cfg);
    try {
      loadWeights(source, REFERENCE_PTH);
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssd-bytes-')), 'model.safetensors');
      saveTrainingCheckpoint(file, { model: await modelStateRecords(source), iteration: 3 });
      loadWeightBytes(target, readFileSync(file), 'model.safetensors', 'safetensors');
      await sameWeights(source, target);
    } finally {
      source.dispose();
      target.dispose();
    }
  }, 120_000);

  it('refuses a checkpoint for another class count naming both counts', () => {
    const six = buildDetectionModel(loadConfig(CONFIG, ['MODEL.NUM_CLASSES', '6', 'MODEL.DEVICE', 'wasm']));
    const bytes = writeTorchCheckpoint({ stateDict: six.torchStateDict(), extras: {} });
    six.dispose();
    const model = buildDetectionModel(cfg);
    try {
      expect(() => loadWeightBytes(model, bytes, 'six.pth', 'pth')).toThrow(
        'six.pth does not match the model: its classifier gives 6 classes (background included) but MODEL.NUM_CLASSES is 21; is it for another config?',
      );
    } finally {
      model.dispose();
    }
  }, 120_000);

  it('names the URL when the bytes are not a checkpoint', () => {
    const model = buildDetectionModel(cfg);
    try {
      expect(() => loadWeightBytes(model, new Uint8Array(100), 'https://example.org/x.pth', 'pth')).toThrow(
        /^https:\/\/example\.org\/x\.pth: not a zip archive/,
      );
    } finally {
      model.dispose();
    }
  }, 60_000);
});

describe('checkpoint sources in a page', () => {
  it('tells the format from the name, else from the first bytes', () => {
    expect(formatOfName('https://h/a/model.PTH?x=1')).toBe('pth');
    expect(formatOfName('weights.safetensors')).toBe('safetensors');
    expect(formatOfName('export.onnx#v2')).toBe('onnx');
    expect(formatOfName('blob')).toBeUndefined();
    expect(formatOfBytes(readFileSync(REFERENCE_PTH))).toBe('pth');
    expect(formatOfBytes(new Uint8Array([0x80, 0x02, 0x8a]))).toBe('pth');
    const header = Buffer.from('{"__metadata__":{}}');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    expect(formatOfBytes(Buffer.concat([length, header]))).toBe('safetensors');
    expect(formatOfBytes(new Uint8Array([0x08, 0x08, 0x12]))).toBe('onnx');
    expect(formatOfBytes(new Uint8Array([0xff, 0xd8, 0xff]))).toBeUndefined();
  });

  it('fetches a zoo name from the mirror under its published file name', () => {
    expect(checkpointUrl(CONFIG, 'https://mirror.example/ssd/')).toBe(
      'https://mirror.example/ssd/mobilenet_v2_ssd320_voc0712_v2.pth',
    );
    expect(checkpointUrl(CONFIG)).toBe(
      'https://github.com/lufficc/SSD/releases/download/1.2/mobilenet_v2_ssd320_voc0712_v2.pth',
    );
    expect(checkpointUrl('models/mine.pth', 'https://mirror.example/')).toBe('models/mine.pth');
  });

  it('reads a checkpoint from a Blob or bytes, and over HTTP with progress (no Cache API here)', async () => {
    const bytes = readFileSync(REFERENCE_PTH);
    const fromBlob = await readCheckpoint(new Blob([bytes]), { name: 'm.pth' });
    expect({ name: fromBlob.name, format: fromBlob.format }).toEqual({ name: 'm.pth', format: 'pth' });
    expect(Buffer.from(fromBlob.bytes).equals(bytes)).toBe(true);
    await expect(readCheckpoint(new Uint8Array([1, 2, 3]))).rejects.toThrow(
      '<checkpoint bytes>: not a checkpoint (neither its name nor its first bytes say .pth, .safetensors or .onnx)',
    );
    const server = await startFileServer();
    try {
      server.files.set('/mirror/mobilenet_v2_ssd320_voc0712_v2.pth', bytes);
      const progress: number[] = [];
      const got = await readCheckpoint(CONFIG, {
        mirror: `${server.base}/mirror`,
        onProgress: (p) => progress.push(p.loaded),
      });
      expect(got.name).toBe(`${server.base}/mirror/mobilenet_v2_ssd320_voc0712_v2.pth`);
      expect(Buffer.from(got.bytes).equals(bytes)).toBe(true);
      expect(progress[0]).toBe(0);
      expect(progress[progress.length - 1]).toBe(bytes.length);
      // A zoo name brings at most a quarter over its published size (25.5 MB for this one).
      server.files.set('/big/mobilenet_v2_ssd320_voc0712_v2.pth', new Uint8Array(33 * 2 ** 20));
      await expect(readCheckpoint(CONFIG, { mirror: `${server.base}/big/` })).rejects.toThrow(
        /mobilenet_v2_ssd320_voc0712_v2\.pth is 34603008 bytes or more, more than the 33423360 allowed for it$/,
      );
      await expect(readCheckpoint(`${server.base}/missing.pth`)).rejects.toThrow(
        `cannot download ${server.base}/missing.pth: HTTP 404`,
      );
      await expect(
        readCheckpoint(`${server.base}/mirror/mobilenet_v2_ssd320_voc0712_v2.pth`, { maxBytes: 1000 }),
      ).rejects.toThrow(/is \d+ bytes or more, more than the 1000 allowed for it$/);
    } finally {
      await server.close();
    }
  });
});

describe('platform modules', () => {
  it('fflate inflates a zip entry as zlib does, and never past the stated size plus one byte', () => {
    const data = Buffer.alloc(300_000, 7);
    data.write('ssd-ts', 1234);
    const deflated = deflateRawSync(data);
    expect(Buffer.from(inflateBrowser(deflated, data.length)).equals(data)).toBe(true);
    expect(Buffer.from(inflateNode(deflated, data.length)).equals(data)).toBe(true);
    // Stated smaller than it inflates: the browser stops one byte past (which the zip reader refuses), zlib throws.
    expect(inflateBrowser(deflated, 1000).length).toBe(1001);
    expect(() => inflateNode(deflated, 1000)).toThrow();
  });

  it('refuse reading files in the browser', () => {
    expect(() => readCheckpointBytes('/models/x.pth')).toThrow(
      'not supported in the browser: reading /models/x.pth from a file system (pass its bytes)',
    );
  });
});
