import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AppConfig } from '@app/config/app-config';
import { HubBusyError } from '@app/errors/payment-errors';

/** How often the event loop is sampled, and the window its delay is averaged over. */
const RESOLUTION_MS = 10;
const WINDOW_MS = 500;

/**
 * Admission of new work (docs/decisions.md, "Overload is refused, not
 * queued"). A hub that takes on more than it can do does not fail loudly: the
 * work waits inside it — in the event loop, in a partner's connection pool —
 * while each payment's `partnerTimeoutMs` runs, and payments the partner
 * approves at once end as timeout reversals. So new work (a QR code, a
 * payment, a scan) is refused at once, before anything is stored or sent,
 * with `503 GENERAL_ERROR` — a definite failure the caller can simply repeat
 * — while either:
 *
 * - the event loop is late: its mean delay over the last half second was
 *   above `limits.maxEventLoopDelayMs`; or
 * - the partner the work would go to already has `limits.partnerCallsInFlight`
 *   pay calls in flight from this instance (more would wait for a connection).
 *
 * Advices are never refused here: they are stored and forwarded, and a
 * refused one would only come back.
 */
@Injectable()
export class Admission implements OnModuleInit, OnModuleDestroy {
  private readonly delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private timer: NodeJS.Timeout | undefined;
  private lagMs = 0;
  private readonly inFlight = new Map<string, number>();
  private refusedCount = 0;

  constructor(private readonly config: AppConfig) {}

  onModuleInit(): void {
    this.delay.enable();
    this.timer = setInterval(() => this.rotate(), WINDOW_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.delay.disable();
  }

  /**
   * Throws `HubBusyError` when the hub cannot take new work now.
   * @param partnerId the partner the work would be sent to, when known
   */
  admit(tranId: string | undefined, partnerId?: string | null): void {
    const { maxEventLoopDelayMs, partnerCallsInFlight } = this.config.hub.limits;
    const partnerFull = !!partnerId && (this.inFlight.get(partnerId) ?? 0) >= partnerCallsInFlight;
    if (this.lagMs > maxEventLoopDelayMs || partnerFull) {
      this.refusedCount++;
      throw new HubBusyError(tranId);
    }
  }

  /** A pay call to `partnerId` is starting; the returned function ends it. */
  callStarted(partnerId: string): () => void {
    this.inFlight.set(partnerId, (this.inFlight.get(partnerId) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.inFlight.get(partnerId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(partnerId, left);
      else this.inFlight.delete(partnerId);
    };
  }

  /** The event loop's mean delay over the last window, in milliseconds (what `admit` compares). */
  get eventLoopDelayMs(): number {
    return this.lagMs;
  }

  /** Work refused since start-up. */
  get refused(): number {
    return this.refusedCount;
  }

  /** Pay calls in flight per partner on this instance. */
  callsInFlight(): ReadonlyMap<string, number> {
    return this.inFlight;
  }

  private rotate(): void {
    // The histogram holds each sampling interval's length: its excess over the resolution is the delay.
    this.lagMs = this.delay.count > 0 ? Math.max(0, this.delay.mean / 1e6 - RESOLUTION_MS) : 0;
    this.delay.reset();
  }
}
