import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '@app/config/app-config';
import { Clock, TimerHandle } from '@app/clock/clock';
import type { PaymentRequestDto } from '@app/common/dto/payment-request.dto';
import type { PaymentResponse } from '@app/common/dto/payment-response';
import { AuditService } from '@app/audit/audit.service';
import { AdvicesRepository } from '@app/advices/advices.repository';
import { AdviceForwarder } from '@app/outbox/advice-forwarder.service';
import { OutboxRepository } from '@app/outbox/outbox.repository';
import { ErrorType, isErrorType } from '@app/errors/error-type';
import { HubError } from '@app/errors/hub-error';
import type { LateAnswer, PayOutcome } from '@app/partners/partner-connector';
import type { PaymentRequest } from '@qr-hub/protocol';
import { PartnerRegistry } from '@app/partners/partner-registry.service';
import { JsonObject } from '@app/persistence/column-types';
import { Database } from '@app/persistence/database';
import { QrCodesRepository } from '@app/qr-codes/qr-codes.repository';
import { ScansRepository } from '@app/scans/scans.repository';
import { Payment } from './payment.entity';
import { PartnerDeclinedError, UpstreamUnavailableError } from '@app/errors/payment-errors';
import { PaymentsRepository } from './payments.repository';
import type { ClaimedScan } from './scan-waiter.service';
import { buildPaymentResponse, buildUpstreamAdvice, buildUpstreamRequest, HubIdentity } from './upstream-messages';

/**
 * Sends a matched payment to its partner and settles the outcome (docs/protocol.md §5.5):
 * approved → 201, declined → 400 with the partner's errorType, unknown → a
 * stored timeout reversal and 503. Each outcome and any advice it owes are
 * written in one transaction.
 */
@Injectable()
export class PaymentRouter implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PaymentRouter.name);
  private readonly hub: HubIdentity;
  /** Payments being sent upstream and settled now: shutdown waits for them (docs/protocol.md §10). */
  private readonly routing = new Set<Promise<unknown>>();
  /** Retries of `abandon` waiting for the database to come back. */
  private readonly abandonTimers = new Map<string, TimerHandle>();
  private stopping = false;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly payments: PaymentsRepository,
    private readonly scans: ScansRepository,
    private readonly qrCodes: QrCodesRepository,
    private readonly outbox: OutboxRepository,
    private readonly advices: AdvicesRepository,
    private readonly partners: PartnerRegistry,
    private readonly forwarder: AdviceForwarder,
    private readonly audit: AuditService,
  ) {
    this.hub = config.hub.hub;
  }

  /**
   * Runs `work` (a payment on its way upstream, from the moment its wait
   * ended, `route` included) as one that shutdown waits for (docs/protocol.md §10: calls
   * in flight finish).
   */
  settling<T>(work: () => Promise<T>): Promise<T> {
    const running = work();
    const tracked: Promise<void> = running.then(
      () => void this.routing.delete(tracked),
      () => void this.routing.delete(tracked),
    );
    this.routing.add(tracked);
    return running;
  }

  /**
   * Call it within `settling`.
   * @param claimed the scan that released the payment, when it was accepted on this instance.
   */
  async route(payment: Payment, claimed?: ClaimedScan): Promise<PaymentResponse> {
    const retailer = payment.request as unknown as PaymentRequestDto;
    const registered = this.partners.get(payment.partnerId ?? '');
    const scan = claimed ?? (await this.storedScan(payment.id).catch((error: unknown) => this.notSent(payment, error)));
    const partner = {
      id: payment.partnerId ?? '',
      name: scan ? scan.partnerName : (retailer.partner?.name ?? ''),
    };
    const sentAt = this.clock.now();
    const upstream = buildUpstreamRequest(
      retailer,
      this.hub,
      { id: partner.id, name: partner.name || (registered?.config.id ?? partner.id) },
      payment.upstreamId!,
      new Date(sentAt).toISOString(),
      scan?.partnerPaymentToken,
    );
    // Registered connectors are guarded (partners/connector-guard.ts): this call never rejects nor overruns.
    const outcome: PayOutcome = registered
      ? await registered.connector.pay(upstream as unknown as PaymentRequest, {
          timeoutMs: registered.config.timeoutMs,
          onLateAnswer: (a) => void this.recordLate(payment, a),
        })
      : { kind: 'unknown', reason: 'partner not configured' };
    try {
      await this.auditCall(payment, upstream, outcome, sentAt);
      if (outcome.kind === 'successful') {
        const body = outcome.body as unknown as JsonObject;
        const approved = approvedAmount(body, payment);
        if (approved !== null) {
          return await this.approve(payment, retailer, upstream, body, approved, partner, outcome.partnerRef);
        }
        this.logger.warn(`payment ${payment.id}: partner approval unreadable, reversing`);
      }
      if (outcome.kind === 'failed') return await this.decline(payment, upstream, outcome);
      return await this.giveUp(payment, upstream, outcome, registered?.config.timeoutMs);
    } catch (error) {
      if (error instanceof HubError) throw error; // an answer, already recorded
      // The payment went upstream but its outcome could not be recorded (storage
      // failed): the partner may have taken the money. The retailer is told it
      // failed, so the hub owns the clean-up, exactly as for an unknown outcome.
      this.logger.error(`payment ${payment.id}: outcome not recorded (${(error as Error).message}); reversing`);
      this.abandon(payment, upstream, 0);
      throw new UpstreamUnavailableError(payment.tranId);
    }
  }

  /**
   * Storage failed before the payment went upstream: nothing was sent, but the
   * payment is SENDING and holds its QR code, so it is closed the way an
   * unknown outcome is (a reversal the partner will answer 404, which counts
   * as done) and the retailer gets a definite failure.
   */
  private notSent(payment: Payment, error: unknown): never {
    this.logger.error(`payment ${payment.id}: not sent, storage failed (${(error as Error).message})`);
    this.abandon(payment, null, 0);
    throw new UpstreamUnavailableError(payment.tranId);
  }

  /**
   * Queues the timeout reversal of a payment whose outcome could not be
   * recorded, retrying with capped backoff while storage is down. If the hub
   * stops first, the payment is still SENDING in storage, and start-up (or
   * another instance) reverses it like any payment left in flight (docs/protocol.md §10).
   * A write reported as failed may have committed: an approval recorded that
   * way, not yet settled, is reversed too, since the retailer was told "failed".
   */
  private abandon(payment: Payment, upstream: JsonObject | null, attempt: number): void {
    this.abandonTimers.delete(payment.id);
    if (this.stopping) return;
    const retry = (error: unknown) => {
      if (this.stopping) return;
      const delayMs = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
      this.logger.warn(
        `payment ${payment.id}: reversal not stored yet (${(error as Error).message}); retry in ${delayMs} ms`,
      );
      const timer = this.clock.setTimer(() => this.abandon(payment, upstream, attempt + 1), delayMs);
      this.abandonTimers.set(payment.id, timer);
    };
    const stored = this.db.transaction(async (em) => {
      const now = this.clock.now();
      await this.qrCodes.lock(em, payment.tranId);
      const current = await this.payments.find(payment.id, em);
      if (current?.state === 'SENDING') {
        await this.markUnknown(em, current, upstream, now);
      } else if (current?.state === 'APPROVED' && current.settlement === 'NONE') {
        if (await this.payments.settle(em, payment.id, 'REVERSED', now)) {
          await this.queueReversal(em, { ...current, settlement: 'REVERSED' }, 'TIMEOUT', now);
        }
      } else if (current?.state === 'APPROVED' && current.settlement === 'CONFIRMED') {
        this.logger.error(`payment ${payment.id}: answered 503 but approved and confirmed; left for an operator`);
      }
    });
    stored.then(() => this.forwarder.wake(), retry);
  }

  /** docs/protocol.md §10: upstream calls in flight finish (each within its partner timeout) before the hub stops. */
  async beforeApplicationShutdown(): Promise<void> {
    while (this.routing.size > 0) await Promise.all([...this.routing]);
    this.stopping = true;
    for (const timer of this.abandonTimers.values()) this.clock.clearTimer(timer);
    this.abandonTimers.clear();
  }

  /** The accepted scan of a payment released by another instance (or none: routed by the retailer's choice). */
  private async storedScan(
    paymentId: string,
  ): Promise<Pick<ClaimedScan, 'partnerName' | 'partnerPaymentToken'> | null> {
    const scan = await this.scans.forPayment(paymentId);
    return scan && { partnerName: scanPartnerName(scan.body), partnerPaymentToken: scan.partnerPaymentToken };
  }

  private async approve(
    payment: Payment,
    retailer: PaymentRequestDto,
    upstream: JsonObject,
    body: JsonObject,
    approved: number,
    partner: { id: string; name: string },
    partnerRef: string | undefined,
  ): Promise<PaymentResponse> {
    const now = this.clock.now();
    const response = buildPaymentResponse(retailer, body, partner, approved, new Date(now).toISOString(), this.hub);
    let reverse = false;
    const won = await this.db.transaction(async (em) => {
      const changes: Partial<Payment> = {
        state: 'APPROVED',
        approvedAmount: approved,
        upstreamRequest: masked(upstream),
        upstreamResponse: body,
        updatedAt: now,
      };
      if (partnerRef !== undefined) changes.partnerRef = partnerRef;
      // The code first, then the payment: the lock order of every transaction about a code.
      await this.qrCodes.lock(em, payment.tranId);
      // The row as our update left it: a reversal that committed first is seen here,
      // one that comes later finds the payment APPROVED and is forwarded as usual.
      const updated = await this.payments.transitionReadingReversal(em, payment.id, 'SENDING', changes);
      if (!updated) return false;
      await this.qrCodes.markPaid(em, payment.tranId, payment.id);
      reverse = updated.reversalRequested;
      if (reverse) {
        // docs/protocol.md §7: the retailer reversed while the payment was in flight — reverse the approval now.
        await this.payments.update(em, payment.id, { settlement: 'REVERSED' });
        // Forwarded with the retailer's reason (TIMEOUT when its POS gave up first), linked to its advice.
        const asked = await this.advices.acceptedReversalOf(em, payment.id);
        const reason = asked?.body?.reversalReason;
        await this.queueReversal(
          em,
          { ...payment, ...changes, settlement: 'REVERSED' },
          typeof reason === 'string' ? reason : 'CANCELLED',
          now,
          asked?.id ?? null,
        );
      }
      return true;
    });
    if (!won) throw new UpstreamUnavailableError(payment.tranId);
    if (reverse) this.forwarder.wake();
    return response;
  }

  private async decline(
    payment: Payment,
    upstream: JsonObject,
    outcome: Extract<PayOutcome, { kind: 'failed' }>,
  ): Promise<never> {
    const error = outcome.error;
    const errorType = isErrorType(error.errorType) ? error.errorType : ErrorType.DECLINED_BY_PARTNER;
    const now = this.clock.now();
    await this.db.transaction((em) =>
      this.payments.transition(em, payment.id, 'SENDING', {
        state: 'DECLINED',
        upstreamRequest: masked(upstream),
        error: { ...error },
        ...(outcome.partnerRef !== undefined && { partnerRef: outcome.partnerRef }),
        updatedAt: now,
      }),
    );
    throw new PartnerDeclinedError(errorType, error.errorMessage || 'Declined by partner', {
      tranId: payment.tranId,
      providerErrorCode: error.providerErrorCode,
      providerErrorMsg: error.providerErrorMsg,
      providerRef: error.providerRef,
    });
  }

  /** Unknown outcome: the hub owns the clean-up (docs/protocol.md §5.5) — a timeout reversal, stored before we answer. */
  private async giveUp(
    payment: Payment,
    upstream: JsonObject,
    outcome: PayOutcome,
    timeoutMs: number | undefined,
  ): Promise<never> {
    const now = this.clock.now();
    const queued = await this.db.transaction((em) => this.markUnknown(em, payment, upstream, now, outcome.partnerRef));
    this.forwarder.wake();
    // The operator's first question: which partner, why, after how long, and what the hub did about it.
    const why = outcome.kind === 'unknown' ? outcome.reason : 'approval unreadable';
    this.logger.warn(
      `payment ${payment.id}: partner ${payment.partnerId ?? '?'} outcome unknown (${why}; timeout ${timeoutMs ?? '?'} ms); ` +
        `answered 503 UPSTREAM_UNAVAILABLE, ${queued ? 'timeout reversal queued' : 'no longer in flight, nothing queued'}`,
    );
    throw new UpstreamUnavailableError(payment.tranId);
  }

  /**
   * A payment in flight whose outcome the hub does not know (docs/protocol.md §5.5, §10):
   * SENDING → UNKNOWN with its timeout reversal queued, in the caller's
   * transaction; false when it was no longer SENDING.
   * @param upstream what was sent, kept (masked) on the payment; null if nothing was
   * @param partnerRef the partner's reference, when even an unknown outcome carried one
   */
  async markUnknown(
    em: EntityManager,
    payment: Payment,
    upstream: JsonObject | null,
    now: number,
    partnerRef?: string,
  ): Promise<boolean> {
    const changes: Partial<Payment> = { state: 'UNKNOWN', updatedAt: now };
    if (upstream) changes.upstreamRequest = masked(upstream);
    if (partnerRef !== undefined) changes.partnerRef = partnerRef;
    if (!(await this.payments.transition(em, payment.id, 'SENDING', changes))) return false;
    await this.queueReversal(em, { ...payment, ...changes }, 'TIMEOUT', now);
    return true;
  }

  /**
   * Queues the hub's own reversal of a payment (timeout), or the retailer's
   * reversal that arrived while the payment was in flight (`sourceAdviceId`).
   */
  private async queueReversal(
    em: EntityManager,
    payment: Payment,
    reason: string,
    now: number,
    sourceAdviceId: string | null = null,
  ): Promise<void> {
    await this.outbox.queueAdvice(
      em,
      {
        paymentId: payment.id,
        partnerId: payment.partnerId ?? '',
        kind: 'REVERSAL',
        sourceAdviceId,
        build: (id) =>
          buildUpstreamAdvice('REVERSAL', payment, id, new Date(now).toISOString(), this.hub, {
            reversalReason: reason,
          }),
        // One reversal per payment: the first reason to reverse it is the one sent.
        unlessQueued: true,
      },
      now,
    );
  }

  /** docs/protocol.md §5.5: an answer after the hub gave up is recorded for reconciliation and changes nothing. */
  private async recordLate(payment: Payment, answer: LateAnswer): Promise<void> {
    this.logger.warn(`late partner answer for payment ${payment.id} (HTTP ${answer.status}); recorded, no change`);
    try {
      // The late answer's reference is kept for the timeout reversal still to be delivered.
      await this.db.run((em) =>
        this.payments.update(em, payment.id, {
          lateResponse: {
            status: answer.status ?? null,
            body: answer.body,
            receivedAt: new Date(answer.receivedAt).toISOString(),
          },
          ...(answer.partnerRef !== undefined && { partnerRef: answer.partnerRef }),
        }),
      );
      await this.audit.record({
        direction: 'LATE',
        operation: 'pay',
        messageId: payment.upstreamId,
        tranId: payment.tranId,
        institutionId: payment.partnerId,
        httpStatus: answer.status ?? null,
        outcome: 'late',
        responseBody: answer.body,
      });
    } catch (error) {
      this.logger.error(`could not record late answer for ${payment.id}: ${(error as Error).message}`);
    }
  }

  private auditCall(payment: Payment, upstream: JsonObject, outcome: PayOutcome, sentAt: number): Promise<void> {
    return this.audit.record({
      direction: 'OUT',
      operation: 'pay',
      messageId: payment.upstreamId,
      tranId: payment.tranId,
      institutionId: payment.partnerId,
      httpStatus: outcome.status ?? null,
      outcome: outcome.kind === 'unknown' ? `unknown: ${outcome.reason}` : outcome.kind,
      requestBody: upstream,
      responseBody: outcome.kind === 'successful' ? outcome.body : outcome.kind === 'failed' ? outcome.error : null,
      durationMs: this.clock.now() - sentAt,
    });
  }
}

/**
 * What the partner approved, or null when its approval makes no sense (a
 * different currency, more than asked): then money may have moved in a way we
 * cannot account for, so the hub treats it as unknown and reverses.
 */
function approvedAmount(body: JsonObject | null, payment: Payment): number | null {
  const amounts = body?.amounts as { approvedAmount?: { amount?: unknown; currency?: unknown } } | undefined;
  const approved = amounts?.approvedAmount;
  if (!approved) return payment.amount;
  if (typeof approved.amount !== 'number' || !Number.isSafeInteger(approved.amount) || approved.amount < 0) return null;
  if (approved.currency !== payment.currency || approved.amount > payment.amount) return null;
  return approved.amount;
}

function scanPartnerName(body: JsonObject | null): string {
  const partner = body?.partner as { name?: unknown } | undefined;
  return typeof partner?.name === 'string' ? partner.name : '';
}

/** The stored copy of what we sent upstream never keeps the partner's token. */
function masked(upstream: JsonObject): JsonObject {
  const copy = { ...upstream };
  if (copy.partnerPaymentToken) copy.partnerPaymentToken = '***';
  return copy;
}
