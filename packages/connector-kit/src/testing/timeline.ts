/** A promise watched without awaiting it, so time can be moved while it is pending. */
export interface Tracked<T> {
  promise: Promise<T>;
  settled: boolean;
  value?: T;
  /** Set when the promise rejected: a connector call never may. */
  error?: unknown;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const tracked: Tracked<T> = { promise, settled: false };
  promise.then(
    (value) => {
      tracked.settled = true;
      tracked.value = value;
    },
    (error: unknown) => {
      tracked.settled = true;
      tracked.error = error;
    },
  );
  return tracked;
}

/* Lets promise callbacks and I/O callbacks already due run. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/* Fake time moves in steps this small, so timers fire within a few ms of when they are due. */
const STEP_MS = 5;

/**
 * Time as the connector sees it: a fake clock the suite moves (`advanceTime`) or real time.
 * The same case then runs in milliseconds on a fake clock and for real against a server.
 */
export class Timeline {
  private virtualMs = 0;
  private readonly startedAt = Date.now();

  constructor(private readonly advanceTime?: (ms: number) => void) {}

  /** Milliseconds since this timeline started, on the connector's clock. */
  elapsed(): number {
    return this.advanceTime ? this.virtualMs : Date.now() - this.startedAt;
  }

  async pass(ms: number): Promise<void> {
    if (this.advanceTime) {
      await flush();
      this.advanceTime(ms);
      this.virtualMs += ms;
      await flush();
    } else {
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
  }

  /** Lets time pass in small steps until `condition` holds; fails when it has not within `maxMs`. */
  async until(condition: () => boolean, maxMs: number, what = 'condition'): Promise<void> {
    const from = this.elapsed();
    await flush();
    while (!condition()) {
      if (this.elapsed() - from > maxMs) throw new Error(`${what} not met within ${maxMs} ms`);
      await this.pass(STEP_MS);
    }
  }

  /** The value of a tracked call once it settles; a rejection fails the case: calls never reject. */
  async settle<T>(call: Tracked<T>, maxMs: number, what = 'call'): Promise<T> {
    await this.until(() => call.settled, maxMs, `${what} settled`);
    if ('error' in call) {
      throw new Error(`${what} rejected (connector calls never reject): ${String(call.error)}`);
    }
    return call.value as T;
  }
}
