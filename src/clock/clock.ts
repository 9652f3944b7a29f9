/**
 * Time, injected so that timeouts (scan wait, partner timeout, advice backoff)
 * can be tested without sleeping for real (STYLE: time).
 */
export abstract class Clock {
  abstract now(): number;
  /** Runs `fn` after `ms`; returns a handle for `clearTimer`. */
  abstract setTimer(fn: () => void, ms: number): TimerHandle;
  abstract clearTimer(handle: TimerHandle): void;

  nowDate(): Date {
    return new Date(this.now());
  }
}

export interface TimerHandle {
  readonly id: unknown;
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { id: t };
  }

  clearTimer(handle: TimerHandle): void {
    clearTimeout(handle.id as NodeJS.Timeout);
  }
}
