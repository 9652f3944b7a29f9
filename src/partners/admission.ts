import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { errorDetailFor } from '@app/common/http/error-answer';
import { AppConfig } from '@app/config/app-config';
import { HubBusyError } from '@app/errors/payment-errors';
import type { OperationTable } from '@app/operations/operation-table';

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
 * The first is checked by `refuseWhenBusy`, a middleware that answers before
 * authentication, validation or the audit trail see the request, so a refusal
 * costs the hub almost nothing and stores nothing; the second where the
 * partner is known (the pay and scan services). Advices are never refused
 * here: they are stored and forwarded, and a refused one would only come back.
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

  /** Whether the event loop ran later, on average over the last window, than `limits.maxEventLoopDelayMs`. */
  get busy(): boolean {
    return this.lagMs > this.config.hub.limits.maxEventLoopDelayMs;
  }

  /**
   * Throws `HubBusyError` when `partnerId` (the partner the work would be sent
   * to, when known) already has as many pay calls in flight as allowed, or the
   * event loop is late (work that came in before the window turned).
   */
  admit(tranId: string | undefined, partnerId?: string | null): void {
    const partnerFull =
      !!partnerId && (this.inFlight.get(partnerId) ?? 0) >= this.config.hub.limits.partnerCallsInFlight;
    if (this.busy || partnerFull) {
      this.refusedCount++;
      throw new HubBusyError(tranId);
    }
  }

  /** Counts a refusal made by `refuseWhenBusy`. */
  noteRefused(): void {
    this.refusedCount++;
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

/**
 * Express middleware, after the body parser and before anything else reads
 * the request: while the hub is busy, a request for an operation that starts
 * work (`startsWork`: createQrCode, pay, a scan) is answered at once with
 * `503 GENERAL_ERROR` "Hub busy", the message's id echoed. Nothing of it is
 * authenticated, validated, stored or sent: the refusal costs a few
 * microseconds, so a saturated hub spends its time on the work it took.
 */
export function refuseWhenBusy(admission: Admission, operations: OperationTable): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!admission.busy || !operations.match(req)?.startsWork) return next();
    admission.noteRefused();
    res.status(503).json(errorDetailFor(new HubBusyError(undefined), req));
  };
}
