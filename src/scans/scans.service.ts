import { linkToTransaction } from '@app/audit/audit-link';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config/app-config';
import { Clock } from '@app/clock/clock';
import type { ScanNotificationDto } from '@app/common/dto/scan-notification.dto';
import {
  DuplicateRecordError,
  InvalidTranIdError,
  NoPaymentWaitingForScanError,
  PartnerNotConfiguredError,
} from '@app/errors/hub-error';
import { HubInstanceService } from '@app/instances/hub-instance.service';
import { Admission } from '@app/partners/admission';
import { PartnerRegistry } from '@app/partners/partner-registry.service';
import { Database, isUniqueViolation, type Tx } from '@app/persistence/database';
import { PaymentsRepository } from '@app/lifecycle/payments.repository';
import { PaymentLifecycle } from '@app/lifecycle/payment-lifecycle';
import type { ClaimedScan } from '@app/lifecycle/scan-waiter.service';
import { withoutUndefined } from '@app/lifecycle/upstream-messages';
import { QrCodesRepository } from '@app/qr-codes/qr-codes.repository';
import { Scan, ScanStatus } from './scan.entity';
import { ScansRepository } from './scans.repository';

type Verdict = 'matched' | 'early' | 'no-payment' | 'already-scanned' | 'holder-gone';

/**
 * `notifyScan` (docs/protocol.md §6): links the partner's scan to the payment waiting for
 * its tranId and releases that payment. Every scan is stored, accepted or not.
 */
@Injectable()
export class ScansService {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly scans: ScansRepository,
    private readonly payments: PaymentsRepository,
    private readonly qrCodes: QrCodesRepository,
    private readonly partners: PartnerRegistry,
    private readonly instances: HubInstanceService,
    private readonly lifecycle: PaymentLifecycle,
    private readonly admission: Admission,
  ) {}

  async notify(scan: ScanNotificationDto): Promise<void> {
    // A scan releases a payment to its partner: an overloaded hub refuses it before storing anything.
    this.admission.admit(scan.tranId, scan.partner.id);
    const now = this.clock.now();
    if (await this.scans.exists(scan.id)) throw new DuplicateRecordError('Duplicate scan id', { tranId: scan.tranId });
    const qr = await this.qrCodes.findByTranId(scan.tranId);
    // Any configured partner may scan any code: a scan of an existing one is part of its story.
    if (qr) linkToTransaction(qr.tranId);
    if (!qr || qr.expiresAt <= now) {
      await this.store(scan, 'DECLINED', null, now);
      throw new InvalidTranIdError(qr ? 'QR code expired' : 'Unknown QR code', scan.tranId);
    }
    if (!this.partners.get(scan.partner.id)) {
      await this.store(scan, 'DECLINED', null, now);
      throw new PartnerNotConfiguredError(scan.tranId);
    }
    const alive = await this.instances.aliveIds();
    let verdict: Verdict;
    try {
      // An accepted scan releases its payment's wait once this commits (PaymentLifecycle.claimForScan).
      verdict = await this.db.transaction((tx) => this.match(tx, scan, alive, now));
    } catch (error) {
      // Two scans racing for one payment, or two early scans: the first wins (docs/protocol.md §6).
      if (isUniqueViolation(error)) throw new DuplicateRecordError('Duplicate scan', { tranId: scan.tranId });
      throw error;
    }
    switch (verdict) {
      case 'matched':
      case 'early':
        return;
      case 'already-scanned':
        throw new DuplicateRecordError('QR code already scanned', { tranId: scan.tranId });
      default:
        throw new NoPaymentWaitingForScanError(scan.tranId);
    }
  }

  /**
   * Links the scan to the payment waiting for its tranId, in one transaction.
   * "Already scanned" (docs/protocol.md §6: first scan wins) means the latest payment of
   * the code has its scan; a payment that ended without one (no scan in time,
   * closed) leaves the code free for the next payment's scan.
   */
  private async match(tx: Tx, scan: ScanNotificationDto, alive: Set<string>, now: number): Promise<Verdict> {
    const decline = async (verdict: Verdict, paymentId: string | null): Promise<Verdict> => {
      await this.scans.insert(tx, this.row(scan, 'DECLINED', paymentId, now));
      return verdict;
    };
    // A pay deciding about this code at this moment waits, or is seen (see QrCodesRepository.lock).
    await this.qrCodes.lock(tx, scan.tranId);
    const latest = await this.payments.latestForTranId(tx, scan.tranId);
    if (latest && latest.state !== 'WAITING_SCAN') {
      const scanned = latest.state !== 'NO_SCAN' && latest.state !== 'CLOSED';
      if (scanned) return decline('already-scanned', latest.id);
    }
    if (!latest || latest.state !== 'WAITING_SCAN') {
      const grace = this.config.hub.timeouts.earlyScanGraceMs;
      if (grace <= 0) return decline('no-payment', null);
      // Too late, not early: the code's payment ended without its scan (docs/protocol.md §6). The
      // customer is told the scan failed, and scans again if the till asks again.
      if (latest) return decline('no-payment', latest.id);
      if (await this.scans.earlySince(tx, scan.tranId, now - grace)) return decline('already-scanned', null);
      await this.scans.expireEarly(tx, scan.tranId, now - grace);
      await this.scans.insert(tx, this.row(scan, 'EARLY', null, now));
      return 'early';
    }
    if (!alive.has(latest.instanceId)) {
      // docs/protocol.md §10: the instance holding the retailer's request is gone, so is the retailer.
      await this.lifecycle.endWait(tx, latest, 'closed');
      return decline('holder-gone', latest.id);
    }
    const claim: ClaimedScan = {
      partnerId: scan.partner.id,
      upstreamId: randomUUID(),
      partnerName: typeof scan.partner.name === 'string' ? scan.partner.name : '',
      partnerPaymentToken: scan.partnerPaymentToken ?? null,
    };
    if (!(await this.lifecycle.claimForScan(tx, latest, claim))) {
      // Another scan claimed it a moment ago (or its wait just ended).
      const current = await this.payments.find(latest.id, tx);
      return decline(current?.state === 'SENDING' ? 'already-scanned' : 'no-payment', latest.id);
    }
    await this.scans.insert(tx, this.row(scan, 'ACCEPTED', latest.id, now));
    return 'matched';
  }

  private async store(
    scan: ScanNotificationDto,
    status: ScanStatus,
    paymentId: string | null,
    now: number,
  ): Promise<void> {
    try {
      await this.db.run((tx) => this.scans.insert(tx, this.row(scan, status, paymentId, now)));
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateRecordError('Duplicate scan id', { tranId: scan.tranId });
      throw error;
    }
  }

  private row(scan: ScanNotificationDto, status: ScanStatus, paymentId: string | null, now: number): Scan {
    const body = withoutUndefined(scan as unknown as Record<string, unknown>);
    delete body.partnerPaymentToken;
    return {
      id: scan.id,
      tranId: scan.tranId,
      partnerId: scan.partner.id,
      status,
      paymentId,
      partnerPaymentToken: scan.partnerPaymentToken ?? null,
      body,
      createdAt: now,
    };
  }
}
