import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config/app-config';
import { Clock } from '@app/clock/clock';
import type { PaymentRequestDto } from '@app/common/dto/payment-request.dto';
import type { PaymentResponse } from '@app/common/dto/payment-response';
import { AuditService } from '@app/audit/audit.service';
import { ErrorType, isErrorType } from '@app/errors/error-type';
import { HubError } from '@app/errors/hub-error';
import { PaymentLifecycle } from '@app/lifecycle/payment-lifecycle';
import type { Payment } from '@app/lifecycle/payment.entity';
import type { ClaimedScan } from '@app/lifecycle/scan-waiter.service';
import { buildPaymentResponse, buildUpstreamRequest, HubIdentity } from '@app/lifecycle/upstream-messages';
import type { LateAnswer, PayOutcome } from '@app/partners/partner-connector';
import type { PaymentRequest } from '@qr-hub/protocol';
import { Admission } from '@app/partners/admission';
import { PartnerRegistry } from '@app/partners/partner-registry.service';
import { JsonObject } from '@app/persistence/column-types';
import { Database } from '@app/persistence/database';
import { ScansRepository } from '@app/scans/scans.repository';
import { PartnerDeclinedError, UpstreamUnavailableError } from '@app/errors/payment-errors';
import { UnrecordedOutcomes } from './unrecorded-outcomes';
import { approvedAmount, masked, scanPartnerName, unknownReasonOf, upstreamAudit } from './upstream-call';

/**
 * Sends a matched payment to its partner and settles the outcome (docs/protocol.md §5.5):
 * approved → 201, declined → 400 with the partner's errorType, unknown → a
 * stored timeout reversal and 503. Each outcome is one lifecycle transition
 * (PaymentLifecycle), written with any advice it owes.
 */
@Injectable()
export class PaymentRouter implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PaymentRouter.name);
  private readonly hub: HubIdentity;
  /** Payments being sent upstream and settled now: shutdown waits for them (docs/protocol.md §10). */
  private readonly routing = new Set<Promise<unknown>>();

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly scans: ScansRepository,
    private readonly partners: PartnerRegistry,
    private readonly lifecycle: PaymentLifecycle,
    private readonly unrecorded: UnrecordedOutcomes,
    private readonly audit: AuditService,
    private readonly admission: Admission,
  ) {
    this.hub = config.hub.hub;
  }

  /**
   * Sends the payment `matched` gives (the wait for its scan ending, or one
   * already matched) and settles the outcome. Shutdown waits for all of it,
   * from the moment the wait ended (docs/protocol.md §10: calls in flight finish): a scan may
   * have claimed the payment as the hub began to stop.
   * @param claimed the scan that released the payment, when it was accepted on this instance.
   */
  send(matched: () => Promise<Payment>, claimed?: ClaimedScan): Promise<PaymentResponse> {
    const running = matched().then((payment) => this.route(payment, claimed));
    const tracked: Promise<void> = running.then(
      () => void this.routing.delete(tracked),
      () => void this.routing.delete(tracked),
    );
    this.routing.add(tracked);
    return running;
  }

  private async route(payment: Payment, claimed?: ClaimedScan): Promise<PaymentResponse> {
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
    const callEnded = this.admission.callStarted(partner.id);
    const outcome: PayOutcome = registered
      ? await registered.connector
          .pay(upstream as unknown as PaymentRequest, {
            timeoutMs: registered.config.timeoutMs,
            onLateAnswer: (a) => void this.recordLate(payment, a),
          })
          .finally(callEnded)
      : { kind: 'unknown', reason: 'partner not configured' };
    if (!registered) callEnded();
    const partnerMs = this.clock.now() - sentAt;
    try {
      await this.audit.record(upstreamAudit(payment, upstream, outcome, partnerMs));
      if (outcome.kind === 'successful') {
        const body = outcome.body as unknown as JsonObject;
        const approved = approvedAmount(body, payment);
        if (approved !== null) {
          const answer = { upstream, body, partnerMs, partnerRef: outcome.partnerRef };
          return await this.approve(payment, retailer, answer, approved, partner);
        }
        this.logger.warn(`payment ${payment.id}: partner approval unreadable, reversing`);
      }
      if (outcome.kind === 'failed') return await this.decline(payment, upstream, outcome, partnerMs);
      return await this.giveUp(payment, upstream, outcome, partnerMs, registered?.config.timeoutMs);
    } catch (error) {
      if (error instanceof HubError) throw error; // an answer, already recorded
      // The payment went upstream but its outcome could not be recorded (storage
      // failed): the partner may have taken the money. The retailer is told it
      // failed, so the hub owns the clean-up, exactly as for an unknown outcome.
      this.logger.error(`payment ${payment.id}: outcome not recorded (${(error as Error).message}); reversing`);
      this.unrecorded.reverse(payment, upstream);
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
    this.unrecorded.reverse(payment, null);
    throw new UpstreamUnavailableError(payment.tranId);
  }

  /** docs/protocol.md §10: upstream calls in flight finish (each within its partner timeout) before the hub stops. */
  async beforeApplicationShutdown(): Promise<void> {
    while (this.routing.size > 0) await Promise.all([...this.routing]);
    this.unrecorded.stop();
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
    answer: { upstream: JsonObject; body: JsonObject; partnerMs: number; partnerRef: string | undefined },
    approved: number,
    partner: { id: string; name: string },
  ): Promise<PaymentResponse> {
    const now = this.clock.now();
    const { body } = answer;
    const response = buildPaymentResponse(retailer, body, partner, approved, new Date(now).toISOString(), this.hub);
    const won = await this.lifecycle.approve(payment, {
      approvedAmount: approved,
      upstreamRequest: masked(answer.upstream),
      upstreamResponse: body,
      partnerMs: answer.partnerMs,
      partnerRef: answer.partnerRef,
    });
    if (!won) throw new UpstreamUnavailableError(payment.tranId);
    return response;
  }

  private async decline(
    payment: Payment,
    upstream: JsonObject,
    outcome: Extract<PayOutcome, { kind: 'failed' }>,
    partnerMs: number,
  ): Promise<never> {
    const error = outcome.error;
    const errorType = isErrorType(error.errorType) ? error.errorType : ErrorType.DECLINED_BY_PARTNER;
    await this.lifecycle.decline(payment, {
      upstreamRequest: masked(upstream),
      error: { ...error },
      partnerMs,
      ...(outcome.partnerRef !== undefined && { partnerRef: outcome.partnerRef }),
    });
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
    partnerMs: number,
    timeoutMs: number | undefined,
  ): Promise<never> {
    const changes = {
      upstreamRequest: masked(upstream),
      partnerMs,
      unknownReason: unknownReasonOf(outcome),
      ...(outcome.partnerRef !== undefined && { partnerRef: outcome.partnerRef }),
    };
    const queued = await this.db.transaction((tx) => this.lifecycle.markUnknown(tx, payment, changes));
    // The operator's first question: which partner, why, after how long, and what the hub did about it.
    const why = outcome.kind === 'unknown' ? outcome.reason : 'approval unreadable';
    this.logger.warn(
      `payment ${payment.id}: partner ${payment.partnerId ?? '?'} outcome unknown (${why}; timeout ${timeoutMs ?? '?'} ms); ` +
        `answered 503 UPSTREAM_UNAVAILABLE, ${queued ? 'timeout reversal queued' : 'no longer in flight, nothing queued'}`,
    );
    throw new UpstreamUnavailableError(payment.tranId);
  }

  /** docs/protocol.md §5.5: an answer after the hub gave up is recorded for reconciliation and changes nothing. */
  private async recordLate(payment: Payment, answer: LateAnswer): Promise<void> {
    this.logger.warn(`late partner answer for payment ${payment.id} (HTTP ${answer.status}); recorded, no change`);
    try {
      // The late answer's reference is kept for the timeout reversal still to be delivered.
      const lateResponse = {
        status: answer.status ?? null,
        body: answer.body,
        receivedAt: new Date(answer.receivedAt).toISOString(),
      };
      await this.lifecycle.recordLateAnswer(payment, lateResponse, answer.partnerRef);
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
}
