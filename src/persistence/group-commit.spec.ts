import { GroupCommit } from './group-commit';

/** A write whose completion the test controls, recording each batch it is given. */
function controlledWrite() {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  const write = (items: number[]): Promise<number[]> => {
    batches.push(items);
    return new Promise((resolve) => releases.push(() => resolve(items.map((i) => i * 10))));
  };
  return { batches, releases, write };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes what was submitted in one tick as one batch and gives each caller its own result', async () => {
    const { batches, releases, write } = controlledWrite();
    const group = new GroupCommit(write, 100);
    const results = Promise.all([1, 2, 3].map((i) => group.submit(i)));
    await tick();
    expect(batches).toEqual([[1, 2, 3]]);
    releases[0]();
    await expect(results).resolves.toEqual([10, 20, 30]);
  });

  it('queues what arrives during a write for the next batch, not a write of its own each', async () => {
    const { batches, releases, write } = controlledWrite();
    const group = new GroupCommit(write, 100);
    const first = group.submit(1);
    await tick();
    const later = Promise.all([2, 3, 4].map((i) => group.submit(i)));
    await tick();
    expect(batches).toEqual([[1]]);
    releases[0]();
    await first;
    await tick();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    releases[1]();
    await expect(later).resolves.toEqual([20, 30, 40]);
  });

  it('splits batches at the maximum size', async () => {
    const { batches, releases, write } = controlledWrite();
    const group = new GroupCommit(write, 2);
    const all = Promise.all([1, 2, 3].map((i) => group.submit(i)));
    await tick();
    releases[0]();
    await tick();
    releases[1]();
    await expect(all).resolves.toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it('rejects every item of a failed batch and goes on with the next', async () => {
    let calls = 0;
    const group = new GroupCommit<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('store down');
      return items;
    }, 100);
    const failed = [group.submit(1), group.submit(2)];
    await expect(failed[0]).rejects.toThrow('store down');
    await expect(failed[1]).rejects.toThrow('store down');
    await expect(group.submit(3)).resolves.toBe(3);
  });
});
