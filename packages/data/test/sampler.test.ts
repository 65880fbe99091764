import { IterationBatchSampler } from '../src';

describe('IterationBatchSampler', () => {
  const make = (seed = 7) => new IterationBatchSampler({ size: 10, batchSize: 4, seed });

  test('yields exactly maxIter batches; each epoch is a permutation, its last batch short', () => {
    const batches = [...make().iterate(9)];
    expect(batches.map((b) => b.iteration)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(batches.map((b) => b.indices.length)).toEqual([4, 4, 2, 4, 4, 2, 4, 4, 2]);
    const epochs = [0, 1, 2].map((e) => batches.slice(3 * e, 3 * e + 3).flatMap((b) => b.indices));
    for (const order of epochs)
      expect([...order].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Reshuffled each epoch.
    expect(epochs[0]).not.toEqual(epochs[1]);
    expect(epochs[1]).not.toEqual(epochs[2]);
    expect(epochs[0]).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('same seed, same batches; another seed, another order', () => {
    expect([...make(3).iterate(6)]).toEqual([...make(3).iterate(6)]);
    expect([...make(3).iterate(3)]).not.toEqual([...make(4).iterate(3)]);
  });

  test('resuming at iteration k gives the batches an unbroken run gives from k', () => {
    const full = [...make().iterate(20)];
    for (const k of [0, 1, 3, 7, 19, 20]) expect([...make().iterate(20, k)]).toEqual(full.slice(k));
    // Random access in any order agrees too.
    const s = make();
    expect([13, 2, 13, 0].map((k) => s.batch(k))).toEqual([13, 2, 13, 0].map((k) => full[k]!.indices));
  });

  test('without shuffling it walks the data set in order', () => {
    const s = new IterationBatchSampler({ size: 5, batchSize: 2, seed: 0, shuffle: false });
    expect([...s.iterate(s.batchesPerEpoch)].map((b) => b.indices)).toEqual([[0, 1], [2, 3], [4]]);
  });

  test('rejects bad sizes', () => {
    expect(() => new IterationBatchSampler({ size: 0, batchSize: 2, seed: 0 })).toThrow('data set size');
    expect(() => new IterationBatchSampler({ size: 3, batchSize: 0, seed: 0 })).toThrow('batch size');
  });
});
