import { mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Checkpointer, loadTrainingCheckpoint, saveTrainingCheckpoint, type TrainingState } from '../src';
import { readSafetensors } from '../src/checkpoint/safetensors';

const dir = () => mkdtempSync(path.join(tmpdir(), 'ssd-ckpt-'));

function state(iteration: number): TrainingState {
  return {
    model: new Map([
      [
        'backbone.conv.weight',
        { shape: [2, 3], dtype: 'float32', data: Float32Array.from([1, 2, 3, 4, 5, 6.5]) },
      ],
      ['backbone.bn.num_batches_tracked', { shape: [], dtype: 'int32', data: Int32Array.from([iteration]) }],
    ]),
    optimizer: {
      lr: 0.001,
      momentumBuffers: {
        'backbone.conv.weight': { shape: [2, 3], values: Float32Array.from([0, -1, 2, 3, 4, 5]) },
      },
    },
    scheduler: { lastEpoch: iteration },
    iteration,
    config: 'SOLVER:\n  LR: 0.001\n',
  };
}

describe('training checkpoints', () => {
  it('round-trip model, optimizer, scheduler, iteration and config exactly', () => {
    const file = path.join(dir(), 'a.safetensors');
    saveTrainingCheckpoint(file, state(42));
    const back = loadTrainingCheckpoint(file);
    expect(back).toEqual(state(42));
    // The data must start 8-byte aligned, as the safetensors format asks.
    const headerLength = Number(readFileSync(file).readBigUInt64LE(0));
    expect((8 + headerLength) % 8).toBe(0);
  });

  it('a truncated file is an error naming it', () => {
    const file = path.join(dir(), 'b.safetensors');
    saveTrainingCheckpoint(file, state(1));
    truncateSync(file, 40);
    expect(() => readSafetensors(file)).toThrow(file);
    writeFileSync(file, 'garbage');
    expect(() => loadTrainingCheckpoint(file)).toThrow(file);
  });

  it('rejects tensors whose data does not match the shape, naming the tensor', () => {
    const s = state(1);
    s.model.set('bad', { shape: [4], dtype: 'float32', data: new Float32Array(3) });
    expect(() => saveTrainingCheckpoint(path.join(dir(), 'c.safetensors'), s)).toThrow(
      "'model.bad' has 3 values",
    );
  });
});

describe('Checkpointer', () => {
  it('moves last_checkpoint to each new checkpoint and leaves no temporary files', () => {
    const out = dir();
    const ckpt = new Checkpointer(out);
    expect(ckpt.lastCheckpoint()).toBeUndefined();
    ckpt.save('model_000010', state(10));
    expect(ckpt.lastCheckpoint()).toBe(path.join(out, 'model_000010.safetensors'));
    ckpt.save('model_000020', state(20));
    expect(readFileSync(path.join(out, 'last_checkpoint'), 'utf8').trim()).toBe('model_000020.safetensors');
    expect(loadTrainingCheckpoint(ckpt.lastCheckpoint()!).iteration).toBe(20);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('says so when the pointer names a missing file', () => {
    const out = dir();
    writeFileSync(path.join(out, 'last_checkpoint'), 'gone.safetensors\n');
    expect(() => new Checkpointer(out).lastCheckpoint()).toThrow(/gone\.safetensors, which does not exist/);
  });
});
