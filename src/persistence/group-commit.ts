/**
 * Group commit: writes submitted while one write is under way are made
 * together in the next one, so many requests share one transaction (one
 * COMMIT, one fsync on PostgreSQL) instead of paying for one each. Every
 * caller still waits until its own item is committed.
 *
 * Hand-written (a few lines over the hub's own `Database`): DataLoader also
 * gathers a tick's calls, but it is made for cached reads by key and starts
 * each batch at once, where a batch here waits for the write before it —
 * that wait is what lets the next batch grow while keeping latency low.
 */
export class GroupCommit<T, R> {
  private pending: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  private flushing: Promise<void> | null = null;

  /**
   * @param write commits a batch and returns one result per item, in order;
   *   if it throws, every item of that batch is rejected with the error.
   */
  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxBatch: number,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  private async flush(): Promise<void> {
    // Let the work of this tick queue its items first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const results = await this.write(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]));
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    this.flushing = null;
  }
}
