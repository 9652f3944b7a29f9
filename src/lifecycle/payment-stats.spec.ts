import { nearestRankOffset, quantile } from './payment-stats.repository';

describe('nearestRankOffset: where a quantile sits in sorted values (what the SQL OFFSET reads)', () => {
  it.each([
    [1, 0.5, 0],
    [1, 0.99, 0],
    [2, 0.5, 0],
    [2, 0.99, 1],
    [3, 0.5, 1],
    [4, 0.5, 1],
    [10, 0.5, 4],
    [100, 0.5, 49],
    [100, 0.99, 98],
    [101, 0.99, 99],
    [1000, 0.99, 989],
    [7, 1, 6],
  ])('%p values, q %p → offset %p', (count, q, offset) => {
    expect(nearestRankOffset(count, q)).toBe(offset);
  });

  it('has no position in no values, and refuses a quantile outside (0, 1]', () => {
    expect(nearestRankOffset(0, 0.5)).toBeNull();
    expect(nearestRankOffset(-1, 0.5)).toBeNull();
    expect(() => nearestRankOffset(5, 0)).toThrow(RangeError);
    expect(() => nearestRankOffset(5, 1.5)).toThrow(RangeError);
  });
});

describe('quantile', () => {
  it('is the nearest-rank quantile of values in any order', () => {
    const values = [40, 10, 30, 20, 50];
    expect(quantile(values, 0.5)).toBe(30);
    expect(quantile(values, 0.99)).toBe(50);
    expect(quantile([5], 0.99)).toBe(5);
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1
    expect(quantile(hundred, 0.5)).toBe(50);
    expect(quantile(hundred, 0.99)).toBe(99);
    expect(values).toEqual([40, 10, 30, 20, 50]); // not sorted in place
  });

  it('is null for no values', () => {
    expect(quantile([], 0.5)).toBeNull();
  });
});
