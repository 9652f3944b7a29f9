import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config/app-config';
import { Clock } from '@app/clock/clock';
import type { PaymentRequestDto } from '@app/common/dto/payment-request.dto';
import type { PaymentResponse } from '@app/common/dto/payment-response';
import { DuplicateRecordError, InvalidAmountError, InvalidTranIdError } from '@app/errors/hub-error';
import { HubInstanceService } from '@app/instances/hub-instance.service';
import { Admission } from '@app/partners/admission';
import { PartnerRegistry } from '@app/partners/partner-registry.service';
import { Database, isUniqueViolation, type Tx } from '@app/persistence/database';
import { linkToTransaction } from '@app/audit/audit-link';
import { AdvicesRepository } from '@app/advices/advices.repository';
import { QrCode } from '@app/qr-codes/qr-code.entity';
import { QrCodesRepository } from '@app/qr-codes/qr-codes.repository';
import { ScansRepository } from '@app/scans/scans.repository';
import { Payment } from '@app/lifecycle/payment.entity';
import {
  AlreadyReversedError,
  NoScanReceivedError,
  ShuttingDownError,
  TooManyHeldPaymentsError,
} from '@app/errors/payment-errors';
import { PaymentLifecycle } from '@app/lifecycle/payment-lifecycle';
import { PaymentRouter } from './payment-router.service';
import { PaymentsRepository } from '@app/lifecycle/payments.repository';
import { ScanWaiter, WaitResult } from '@app/lifecycle/scan-waiter.service';
import { withoutUndefined } from '@app/lifecycle/upstream-messages';

/**
 * `pay` (docs/protocol.md §5): checks the payment against its QR code, stores it, holds
 * the retailer's request until the partner's scan (or routes directly when the
 * retailer names a configured partner), then hands it to the PaymentRouter.
 */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly payments: PaymentsRepository,
    private readonly qrCodes: QrCodesRepository,
    private readonly scans: ScansRepository,
    private readonly advices: AdvicesRepository,
    private readonly partners: PartnerRegistry,
    private readonly instance: HubInstanceService,
    private readonly waiter: ScanWaiter,
    private readonly router: PaymentRouter,
    private readonly lifecycle: PaymentLifecycle,
    private readonly admission: Admission,
  ) {}

  /**
   * @param onDisconnect registers a callback for the retailer hanging up while
   *   the payment waits: the payment is then closed so a later scan is declined.
   */
  async pay(request: PaymentRequestDto, onDisconnect: (cb: () => void) => void): Promise<PaymentResponse> {
    const { scanWaitMs } = this.config.hub.timeouts;
    // docs/protocol.md §10: a hub that is stopping takes no new payment (one may still come on a kept-alive connection).
    if (this.waiter.closing) throw new ShuttingDownError(request.tranId);
    // An overloaded hub refuses new payments before storing anything (src/partners/admission.ts).
    this.admission.admit(request.tranId, request.partner?.id);
    // Listen before the payment is visible to scans, so no release is missed.
    const waiting = this.waiter.wait(request.id, scanWaitMs);
    if (!waiting) throw new DuplicateRecordError('Duplicate payment id');
    let payment: Payment;
    try {
      payment = await this.admit(request);
    } catch (error) {
      this.waiter.end(request.id, 'disconnected');
      throw error;
    }
    if (payment.state !== 'WAITING_SCAN') {
      this.waiter.end(payment.id, 'scanned');
      const direct = payment;
      return this.router.send(() => Promise.resolve(direct));
    }
    onDisconnect(() => this.waiter.end(payment.id, 'disconnected'));
    const result = await waiting;
    // From here on shutdown waits for it: a scan may have claimed it as the hub began to stop.
    const held = payment;
    return this.router.send(() => this.awaitScan(held, result), result.scan);
  }

  /** Checks and stores the payment (docs/protocol.md §5.1–5.3) in one transaction. */
  private async admit(request: PaymentRequestDto): Promise<Payment> {
    const now = this.clock.now();
    const requested = request.amounts.requestAmount;
    if (!requested) throw new InvalidAmountError('requestAmount is required', { tranId: request.tranId });
    try {
      return await this.db.transaction(async (tx) => {
        // A reused id first (docs/protocol.md §5.1), even if the payment it names was since reversed.
        if (await this.payments.find(request.id, tx)) throw new DuplicateRecordError('Duplicate payment id');
        // No such payment, but its reversal came first (docs/protocol.md §7): remembered, and declined now.
        if (await this.advices.reversalFor(tx, request.id, request.client.id)) throw new AlreadyReversedError();
        // Before reading the code's state: a scan deciding about it at this moment waits, or is seen.
        await this.qrCodes.lock(tx, request.tranId);
        const qr = await this.qrCodes.findByTranId(request.tranId, tx);
        this.checkQrCode(qr, request, now);
        this.checkAmount(qr!, requested.amount, requested.currency, request.tranId);
        // A payment still holding this code is refused by the unique index on active payments (below).
        const payment = this.newPayment(request, now);
        await this.matchWithoutWaiting(tx, payment, request, now);
        if (payment.state === 'WAITING_SCAN') await this.checkHeldLimit(tx, payment);
        await this.lifecycle.admit(tx, payment);
        return payment;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // This id exists (another instance won the race for it), or another payment holds the QR code.
      if (await this.payments.find(request.id)) throw new DuplicateRecordError('Duplicate payment id');
      throw new InvalidTranIdError('QR code already in use', request.tranId);
    }
  }

  /**
   * One retailer cannot make the hub hold an unbounded number of payments
   * (each holds a request, a timer and a socket): past the limit the payment
   * is refused at once, before anything is stored or sent.
   */
  private async checkHeldLimit(tx: Tx, payment: Payment): Promise<void> {
    const limit = this.config.hub.limits.heldPaymentsPerRetailer;
    // Taken after the QR code's lock, like every payment-row write: one lock order everywhere.
    await this.payments.lockHeldCount(tx, payment.clientId);
    if ((await this.payments.heldFor(tx, payment.clientId, limit)) >= limit) {
      throw new TooManyHeldPaymentsError(payment.tranId);
    }
  }

  private checkQrCode(qr: QrCode | null, request: PaymentRequestDto, now: number): void {
    // Another client's code is answered exactly like an unknown one (docs/protocol.md §3).
    if (!qr || qr.clientId !== request.client.id) throw new InvalidTranIdError('Unknown QR code', request.tranId);
    linkToTransaction(qr.tranId);
    if (qr.expiresAt <= now) throw new InvalidTranIdError('QR code expired', request.tranId);
    if (qr.singleUse && qr.paidByPaymentId) throw new InvalidTranIdError('QR code already paid', request.tranId);
  }

  /** docs/protocol.md §5.2: the amount against the code's value, honouring over/part payment. */
  private checkAmount(qr: QrCode, amount: number, currency: string, tranId: string): void {
    if (qr.amount === null) return;
    if (qr.currency && currency !== qr.currency)
      throw new InvalidAmountError('Currency differs from QR code', { tranId });
    if (amount > qr.amount && !qr.overPaymentAllowed)
      throw new InvalidAmountError('Amount above QR code value', { tranId });
    if (amount < qr.amount && !qr.partPaymentAllowed)
      throw new InvalidAmountError('Amount below QR code value', { tranId });
  }

  private newPayment(request: PaymentRequestDto, now: number): Payment {
    return {
      id: request.id,
      tranId: request.tranId,
      clientId: request.client.id,
      terminalId: request.originator.terminalId,
      partnerId: null,
      upstreamId: null,
      state: 'WAITING_SCAN',
      settlement: 'NONE',
      reversalRequested: false,
      amount: request.amounts.requestAmount!.amount,
      currency: request.amounts.requestAmount!.currency,
      approvedAmount: null,
      instanceId: this.instance.id,
      waitDeadline: now + this.config.hub.timeouts.scanWaitMs,
      request: withoutUndefined(request as unknown as Record<string, unknown>),
      upstreamRequest: null,
      upstreamResponse: null,
      error: null,
      partnerRef: null,
      lateResponse: null,
      scannedAt: null,
      answeredAt: null,
      approvedAt: null,
      settledAt: null,
      partnerMs: null,
      unknownReason: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  /**
   * docs/protocol.md §5.3: a configured partner named by the retailer is used directly;
   * with `earlyScanGraceMs`, a scan kept from just before is matched at once.
   */
  private async matchWithoutWaiting(tx: Tx, payment: Payment, request: PaymentRequestDto, now: number) {
    const named = request.partner?.id;
    if (named && this.partners.get(named)) {
      Object.assign(payment, { state: 'SENDING', partnerId: named, upstreamId: randomUUID(), waitDeadline: null });
      return;
    }
    const grace = this.config.hub.timeouts.earlyScanGraceMs;
    if (grace <= 0) return;
    const early = await this.scans.earlySince(tx, request.tranId, now - grace);
    if (early && (await this.scans.claim(tx, early.id, payment.id))) {
      Object.assign(payment, {
        state: 'SENDING',
        partnerId: early.partnerId,
        upstreamId: randomUUID(),
        waitDeadline: null,
      });
    }
  }

  /** After the wait: either a scan claimed the payment, or the payment is closed here. */
  private async awaitScan(payment: Payment, { end, scan }: WaitResult): Promise<Payment> {
    if (end === 'scanned' && scan) {
      // Claimed by a scan on this instance: its committed changes, without reading them back.
      const { partnerId, upstreamId } = scan;
      return { ...payment, state: 'SENDING', partnerId, upstreamId, waitDeadline: null };
    }
    if (end !== 'scanned') {
      const why = end === 'timeout' ? 'timeout' : 'closed';
      const closed = await this.db.transaction((tx) => this.lifecycle.endWait(tx, payment, why));
      if (closed)
        throw end === 'shutdown' ? new ShuttingDownError(payment.tranId) : new NoScanReceivedError(payment.tranId);
    }
    // A scan claimed it (possibly at the very moment the wait ended).
    const current = await this.payments.find(payment.id);
    if (!current || current.state !== 'SENDING') throw new NoScanReceivedError(payment.tranId);
    return current;
  }
}
