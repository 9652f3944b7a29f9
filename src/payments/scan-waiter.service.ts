import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { Clock, TimerHandle } from '@app/clock/clock';

/** Why a wait for a scan ended. */
export type WaitEnd = 'scanned' | 'timeout' | 'shutdown' | 'disconnected';

interface Waiter {
  finish: (end: WaitEnd) => void;
  timer: TimerHandle;
}

/**
 * Payments held open until their partner's scan arrives (SPEC §5). A wait is
 * a promise plus one timer — no polling loop and no thread per request — so
 * thousands can wait at once. Whoever accepts the scan calls `release`.
 */
@Injectable()
export class ScanWaiter implements BeforeApplicationShutdown {
  private readonly waiting = new Map<string, Waiter>();

  constructor(private readonly clock: Clock) {}

  /** Starts waiting; undefined when a wait for this payment id is already under way. */
  wait(paymentId: string, ms: number): Promise<WaitEnd> | undefined {
    if (this.waiting.has(paymentId)) return undefined;
    return new Promise<WaitEnd>((resolve) => {
      const finish = (end: WaitEnd) => {
        const waiter = this.waiting.get(paymentId);
        if (!waiter) return;
        this.waiting.delete(paymentId);
        this.clock.clearTimer(waiter.timer);
        resolve(end);
      };
      const timer = this.clock.setTimer(() => finish('timeout'), ms);
      this.waiting.set(paymentId, { finish, timer });
    });
  }

  /** Ends a wait; false when nobody on this instance is waiting for that payment. */
  end(paymentId: string, end: WaitEnd): boolean {
    const waiter = this.waiting.get(paymentId);
    if (!waiter) return false;
    waiter.finish(end);
    return true;
  }

  endAll(end: WaitEnd): void {
    for (const id of [...this.waiting.keys()]) this.end(id, end);
  }

  /** SPEC §10: on SIGTERM every held payment is answered (503: nothing went upstream). */
  beforeApplicationShutdown(): void {
    this.endAll('shutdown');
  }

  /** Payment ids waiting on this instance. */
  ids(): string[] {
    return [...this.waiting.keys()];
  }

  get size(): number {
    return this.waiting.size;
  }
}
