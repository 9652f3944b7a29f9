import { Injectable, Logger } from '@nestjs/common';
import { backoffDelay } from '@qr-hub/protocol';
import { Clock, TimerHandle } from '@app/clock/clock';
import { PaymentLifecycle } from '@app/lifecycle/payment-lifecycle';
import type { Payment } from '@app/lifecycle/payment.entity';
import { PaymentsRepository } from '@app/lifecycle/payments.repository';
import type { JsonObject } from '@app/persistence/column-types';
import { Database } from '@app/persistence/database';
import { QrCodesRepository } from '@app/qr-codes/qr-codes.repository';
import { masked } from './upstream-call';

/** Retries while storage is down: store-and-forward's own pace, from 0.5 s doubling to at most 30 s, with jitter. */
const retryDelayMs = (attempt: number): number => backoffDelay(Math.min(attempt + 1, 31), 500, 30_000, Math.random);

/**
 * Payments whose outcome could not be recorded because storage failed: the
 * retailer was told "failed" (503), so the hub owns the clean-up, exactly as
 * for an unknown outcome (docs/protocol.md §5.5, §10). The reversal is
 * queued as soon as storage takes it, retrying with capped backoff. If the hub
 * stops first, the payment is still SENDING in storage, and start-up (or
 * another instance) reverses it like any payment left in flight.
 */
@Injectable()
export class UnrecordedOutcomes {
  private readonly logger = new Logger(UnrecordedOutcomes.name);
  private readonly timers = new Map<string, TimerHandle>();
  private stopping = false;

  constructor(
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly payments: PaymentsRepository,
    private readonly qrCodes: QrCodesRepository,
    private readonly lifecycle: PaymentLifecycle,
  ) {}

  /**
   * Reverses the payment once storage takes it.
   * @param upstream what was sent, kept (masked) on the payment; null when nothing went upstream
   */
  reverse(payment: Payment, upstream: JsonObject | null, attempt = 0): void {
    this.timers.delete(payment.id);
    if (this.stopping) return;
    this.store(payment, upstream).catch((error: unknown) => {
      if (this.stopping) return;
      const delayMs = retryDelayMs(attempt);
      this.logger.warn(
        `payment ${payment.id}: reversal not stored yet (${(error as Error).message}); retry in ${delayMs} ms`,
      );
      this.timers.set(
        payment.id,
        this.clock.setTimer(() => this.reverse(payment, upstream, attempt + 1), delayMs),
      );
    });
  }

  /**
   * A write reported as failed may have committed: an approval recorded that
   * way, not yet settled, is reversed too, since the retailer was told "failed".
   */
  private store(payment: Payment, upstream: JsonObject | null): Promise<void> {
    return this.db.transaction(async (tx) => {
      await this.qrCodes.lock(tx, payment.tranId);
      const current = await this.payments.find(payment.id, tx);
      if (current?.state === 'SENDING') {
        await this.lifecycle.markUnknown(tx, current, {
          unknownReason: 'STORAGE_FAILURE',
          ...(upstream && { upstreamRequest: masked(upstream) }),
        });
      } else if (current?.state === 'APPROVED' && current.settlement === 'NONE') {
        await this.lifecycle.reverse(tx, current, { reversalReason: 'TIMEOUT' }, null);
      } else if (current?.state === 'APPROVED' && current.settlement === 'CONFIRMED') {
        this.logger.error(`payment ${payment.id}: answered 503 but approved and confirmed; left for an operator`);
      }
    });
  }

  /** Shutdown, once no payment is in flight: pending retries are dropped (start-up recovery reverses those). */
  stop(): void {
    this.stopping = true;
    for (const timer of this.timers.values()) this.clock.clearTimer(timer);
    this.timers.clear();
  }
}
