import { governHeapGrowth, HeapControls, heapGrowthPolicy } from './heap-growth';

const MIB = 1024 * 1024;

describe('heap growth policy (HUB_HEAP_GROWING_PERCENT, HUB_HEAP_TIGHT_ABOVE_MB)', () => {
  it('defaults to 20% above 256 MiB', () => {
    expect(heapGrowthPolicy({})).toEqual({ percent: 20, aboveBytes: 256 * MIB });
  });

  it('reads both variables; 0 percent turns it off, 0 MiB applies it always', () => {
    expect(heapGrowthPolicy({ HUB_HEAP_GROWING_PERCENT: '0' }).percent).toBe(0);
    expect(heapGrowthPolicy({ HUB_HEAP_GROWING_PERCENT: '40', HUB_HEAP_TIGHT_ABOVE_MB: '0' })).toEqual({
      percent: 40,
      aboveBytes: 0,
    });
  });

  it.each([
    ['HUB_HEAP_GROWING_PERCENT', '-1'],
    ['HUB_HEAP_GROWING_PERCENT', '2.5'],
    ['HUB_HEAP_GROWING_PERCENT', 'lots'],
    ['HUB_HEAP_TIGHT_ABOVE_MB', '1e9'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => heapGrowthPolicy({ [name]: value })).toThrow(new RegExp(`^${name} must be an integer`));
  });
});

describe('governHeapGrowth', () => {
  let used = 0;
  let set: number[] = [];
  const controls: HeapControls = { usedHeapBytes: () => used, setGrowingPercent: (p) => void set.push(p) };

  beforeEach(() => {
    jest.useFakeTimers();
    used = 0;
    set = [];
  });
  afterEach(() => jest.useRealTimers());

  it("leaves V8's choice while the heap is small, caps growth once it is large, and lets go well below the threshold", () => {
    const changes: boolean[] = [];
    const stop = governHeapGrowth(
      { percent: 20, aboveBytes: 256 * MIB },
      (tight) => changes.push(tight),
      controls,
      1000,
    );
    used = 200 * MIB;
    jest.advanceTimersByTime(3000);
    expect(set).toEqual([]);
    used = 300 * MIB;
    jest.advanceTimersByTime(1000);
    expect(set).toEqual([20]);
    used = 250 * MIB; // below the threshold, not yet well below: no flapping
    jest.advanceTimersByTime(3000);
    expect(set).toEqual([20]);
    used = 150 * MIB;
    jest.advanceTimersByTime(1000);
    expect(set).toEqual([20, 0]);
    expect(changes).toEqual([true, false]);
    stop();
    used = 900 * MIB;
    jest.advanceTimersByTime(5000);
    expect(set).toEqual([20, 0]);
  });

  it('applies at once and for good with a 0 MiB threshold', () => {
    const stop = governHeapGrowth({ percent: 40, aboveBytes: 0 }, undefined, controls, 1000);
    expect(set).toEqual([40]);
    jest.advanceTimersByTime(10_000);
    expect(set).toEqual([40]);
    stop();
  });

  it('does nothing at 0 percent', () => {
    used = 900 * MIB;
    const stop = governHeapGrowth({ percent: 0, aboveBytes: 0 }, undefined, controls, 1000);
    jest.advanceTimersByTime(10_000);
    expect(set).toEqual([]);
    stop();
  });
});
