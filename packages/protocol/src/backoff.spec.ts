import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles per attempt from the initial delay, capped, with half of it random', () => {
    const fixed = (attempt: number) => backoffDelay(attempt, 1_000, 8_000, () => 0);
    const full = (attempt: number) => backoffDelay(attempt, 1_000, 8_000, () => 1);
    expect([1, 2, 3, 4, 5, 10].map(fixed)).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000]);
    expect([1, 2, 3, 4, 5, 10].map(full)).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });
});
