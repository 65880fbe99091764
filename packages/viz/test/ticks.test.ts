import { formatTicks, niceTicks } from '../src/chart/ticks';

describe('niceTicks', () => {
  test('covers the range with 1-2-5 steps', () => {
    expect(niceTicks(0, 9.7, 6)).toEqual({ lo: 0, hi: 10, step: 2, values: [0, 2, 4, 6, 8, 10] });
    expect(niceTicks(10, 12000, 8).values).toEqual([0, 2000, 4000, 6000, 8000, 10000, 12000]);
    const lr = niceTicks(0, 0.00105, 6);
    expect(lr.step).toBeCloseTo(0.0002, 12);
    expect(lr.values).toEqual([0, 0.0002, 0.0004, 0.0006, 0.0008, 0.001, 0.0012]);
    expect(niceTicks(-3.2, 1.1, 5).values).toEqual([-4, -3, -2, -1, 0, 1, 2]);
  });

  test('widens a flat range around its value', () => {
    const t = niceTicks(5, 5, 5);
    expect(t.lo).toBeLessThan(5);
    expect(t.hi).toBeGreaterThan(5);
    expect(niceTicks(0, 0, 5).values).toContain(0);
  });

  test('rejects a non-finite range', () => {
    expect(() => niceTicks(0, Number.NaN, 5)).toThrow(/niceTicks/);
  });
});

describe('formatTicks', () => {
  test('writes as many decimals as the step needs', () => {
    expect(formatTicks([0, 2000, 4000], 2000)).toEqual(['0', '2000', '4000']);
    expect(formatTicks([0, 0.5, 1], 0.5)).toEqual(['0.0', '0.5', '1.0']);
    expect(formatTicks([0, 0.0002, 0.0004], 0.0002)).toEqual(['0.0000', '0.0002', '0.0004']);
  });

  test('switches to exponent notation for tiny steps', () => {
    expect(formatTicks([0, 2e-6, 1e-5], 2e-6)).toEqual(['0', '2e-6', '1.0e-5']);
  });
});
