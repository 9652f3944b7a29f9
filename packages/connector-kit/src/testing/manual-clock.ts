import type { ConnectorClock, TimerHandle } from '../define-connector';

/**
 * A clock the test moves by hand (`advance`): timers fire only then, in time order. Hand it
 * to a connector as its `ConnectorContext.clock` and to the contract suite as `advanceTime`,
 * and delays and timeouts run in no real time at all.
 */
export class ManualClock implements ConnectorClock {
  private current: number;
  private timers: Array<{ at: number; fn: () => void; handle: TimerHandle }> = [];
  private nextId = 1;

  constructor(start = Date.parse('2026-11-27T10:00:00.000Z')) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const handle = { id: this.nextId++ };
    this.timers.push({ at: this.current + ms, fn, handle });
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.handle !== handle);
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.timers.length;
  }

  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.clearTimer(due.handle);
      this.current = due.at;
      due.fn();
    }
    this.current = target;
  }
}
