import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Clock, TimerHandle } from '@app/clock/clock';

/** Why a wait for a scan ended. */
export type WaitEnd = 'scanned' | 'timeout' | 'shutdown' | 'disconnected';

/**
 * What a scan accepted on this instance committed for the payment: handed to
 * the waiting payment so it need not read back what was just written. A scan
 * accepted on another instance (PostgreSQL) arrives without it.
 */
export interface ClaimedScan {
  partnerId: string;
  upstreamId: string;
  /** The partner's name as the scan gave it ('' when it gave none). */
  partnerName: string;
  partnerPaymentToken: string | null;
}

export interface WaitResult {
  end: WaitEnd;
  scan?: ClaimedScan;
}

interface Waiter {
  finish: (end: WaitEnd, scan?: ClaimedScan) => void;
  timer: TimerHandle;
}

/**
 * Payments held open until their partner's scan arrives (docs/protocol.md §5). A wait is
 * a promise plus one timer — no polling loop and no thread per request — so
 * thousands can wait at once. Whoever accepts the scan calls `release`.
 */
@Injectable()
export class ScanWaiter implements OnModuleDestroy {
  private readonly waiting = new Map<string, Waiter>();
  private stopping = false;

  constructor(private readonly clock: Clock) {}

  /** Starts waiting; undefined when a wait for this payment id is already under way. */
  wait(paymentId: string, ms: number): Promise<WaitResult> | undefined {
    if (this.waiting.has(paymentId)) return undefined;
    return new Promise<WaitResult>((resolve) => {
      const finish = (end: WaitEnd, scan?: ClaimedScan) => {
        const waiter = this.waiting.get(paymentId);
        if (!waiter) return;
        this.waiting.delete(paymentId);
        this.clock.clearTimer(waiter.timer);
        resolve(scan ? { end, scan } : { end });
      };
      const timer = this.clock.setTimer(() => finish('timeout'), ms);
      this.waiting.set(paymentId, { finish, timer });
    });
  }

  /** Ends a wait; false when nobody on this instance is waiting for that payment. */
  end(paymentId: string, end: WaitEnd, scan?: ClaimedScan): boolean {
    const waiter = this.waiting.get(paymentId);
    if (!waiter) return false;
    waiter.finish(end, scan);
    return true;
  }

  endAll(end: WaitEnd): void {
    for (const id of [...this.waiting.keys()]) this.end(id, end);
  }

  /**
   * docs/protocol.md §10: on SIGTERM every held payment is answered (503: nothing went
   * upstream), and no new one is taken. The first of Nest's shutdown hooks,
   * so nothing is admitted while later hooks wait for work in flight.
   */
  onModuleDestroy(): void {
    this.stopping = true;
    this.endAll('shutdown');
  }

  /** True once the hub is shutting down: a new payment must be refused. */
  get closing(): boolean {
    return this.stopping;
  }

  /** Payment ids waiting on this instance. */
  ids(): string[] {
    return [...this.waiting.keys()];
  }

  get size(): number {
    return this.waiting.size;
  }
}
