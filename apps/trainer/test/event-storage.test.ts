import { EventStorage, HistoryBuffer } from '../src';

describe('HistoryBuffer', () => {
  it('keeps each value with its iteration; medians (the lower middle) and means over a window', () => {
    const h = new HistoryBuffer();
    for (const [i, v] of [5, 1, 4, 2, 3, 10].entries()) h.update(v, i + 1);
    expect(h.latest()).toBe(10);
    expect(h.latestIteration()).toBe(6);
    // Last four: 4, 2, 3, 10 → sorted 2, 3, 4, 10: the reference's logger takes 3, not 3.5.
    expect(h.median(4)).toBe(3);
    expect(h.median(5)).toBe(3);
    expect(h.avg(2)).toBe(6.5);
    expect(h.globalAvg()).toBe(25 / 6);
    expect(h.history().slice(0, 2)).toEqual([
      [5, 1],
      [1, 2],
    ]);
  });

  it('drops the oldest values past its length, still counting them in the global mean', () => {
    const h = new HistoryBuffer(2);
    for (const [i, v] of [1, 2, 3].entries()) h.update(v, i);
    expect(h.history()).toEqual([
      [2, 1],
      [3, 2],
    ]);
    expect(h.globalAvg()).toBe(2);
    expect(new HistoryBuffer().median(20)).toBeNaN();
  });
});

describe('EventStorage', () => {
  it('puts scalars at the current iteration, smoothed or not as hinted, and keeps evaluations whole', () => {
    const storage = new EventStorage(10);
    for (const [iter, loss] of [
      [11, 4],
      [12, 1],
      [13, 3],
    ]) {
      storage.iter = iter!;
      storage.putScalar('lr', iter! / 100, { smoothingHint: false });
      storage.putScalars({ loss: loss! });
    }
    storage.putEvaluation('voc_2007_test', { mAP: 0.5, aeroplane: null });
    expect([...storage.latestWithSmoothingHint(3)]).toEqual([
      ['lr', { value: 0.13, iteration: 13 }],
      ['loss', { value: 3, iteration: 13 }],
    ]);
    expect(storage.evaluations()).toEqual([
      { iteration: 13, dataset: 'voc_2007_test', metrics: { mAP: 0.5, aeroplane: null } },
    ]);
    expect(() => storage.history('time')).toThrow("no scalar 'time' in the event storage (it has lr, loss)");
  });
});
