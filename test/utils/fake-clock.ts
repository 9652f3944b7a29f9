import { Clock, TimerHandle } from '@app/clock/clock';

interface Pending {
  at: number;
  fn: () => void;
  handle: TimerHandle;
}

/** A clock the test moves by hand: timers fire only on `advance`. */
export class FakeClock extends Clock {
  private pending: Pending[] = [];
  private nextId = 1;

  constructor(private current = Date.parse('2026-11-27T10:00:00.000Z')) {
    super();
  }

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const handle = { id: this.nextId++ };
    this.pending.push({ at: this.current + Math.max(0, ms), fn, handle });
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    this.pending = this.pending.filter((p) => p.handle !== handle);
  }

  /** Moves time forward, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.pending.filter((p) => p.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.pending = this.pending.filter((p) => p !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = target;
  }

  /**
   * Moves time forward without firing timers, as a process the OS paused
   * finds them: overdue, fired by the next `advance`. Lets a test age records
   * while a payment is still held for its scan or in flight.
   */
  jump(ms: number): void {
    this.current += ms;
  }

  get timerCount(): number {
    return this.pending.length;
  }
}
