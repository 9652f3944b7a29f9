import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config/app-config';
import { Clock } from '@app/clock/clock';
import type { ScanNotificationDto } from '@app/common/dto/scan-notification.dto';
import { ErrorType } from '@app/errors/error-type';
import { DuplicateRecordError, HubError, InvalidTranIdError, RecordNotFoundError } from '@app/errors/hub-error';
import { HubInstanceService } from '@app/instances/hub-instance.service';
import { PartnerRegistry } from '@app/partners/partner-registry.service';
import { Database, isUniqueViolation } from '@app/persistence/database';
import { PaymentsRepository } from '@app/payments/payments.repository';
import { ScanSignal } from '@app/payments/scan-signal.service';
import { withoutUndefined } from '@app/payments/upstream-messages';
import { QrCodesRepository } from '@app/qr-codes/qr-codes.repository';
import { Scan, ScanStatus } from './scan.entity';
import { ScansRepository } from './scans.repository';

type Verdict = 'matched' | 'early' | 'no-payment' | 'already-scanned' | 'holder-gone';

/**
 * `notifyScan` (SPEC §6): links the partner's scan to the payment waiting for
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
    private readonly signal: ScanSignal,
  ) {}

  async notify(scan: ScanNotificationDto): Promise<void> {
    const now = this.clock.now();
    if (await this.scans.exists(scan.id)) throw new DuplicateRecordError('Duplicate scan id', { tranId: scan.tranId });
    const qr = await this.qrCodes.findByTranId(scan.tranId);
    if (!qr || qr.expiresAt <= now) {
      await this.store(scan, 'DECLINED', null, now);
      throw new InvalidTranIdError(qr ? 'QR code expired' : 'Unknown QR code', scan.tranId);
    }
    if (!this.partners.get(scan.partner.id)) {
      await this.store(scan, 'DECLINED', null, now);
      throw new HubError(ErrorType.PARTNER_UNKNOWN, 'Partner not configured', 400, { tranId: scan.tranId });
    }
    const alive = await this.instances.aliveIds();
    let verdict: Verdict;
    let paymentId: string | null = null;
    try {
      [verdict, paymentId] = await this.db.transaction(async (em): Promise<[Verdict, string | null]> => {
        if (await this.scans.acceptedFor(em, scan.tranId)) return ['already-scanned', null];
        const payment = await this.payments.findActiveByTranId(em, scan.tranId);
        if (!payment || payment.state !== 'WAITING_SCAN') {
          if (this.config.hub.timeouts.earlyScanGraceMs > 0 && !payment) {
            await this.scans.insert(em, this.row(scan, 'ACCEPTED', null, now));
            return ['early', null];
          }
          await this.scans.insert(em, this.row(scan, 'DECLINED', null, now));
          return ['no-payment', null];
        }
        if (!alive.has(payment.instanceId)) {
          // SPEC §10: the instance holding the retailer's request is gone, so is the retailer.
          await this.payments.transition(em, payment.id, 'WAITING_SCAN', { state: 'CLOSED', updatedAt: now });
          await this.scans.insert(em, this.row(scan, 'DECLINED', payment.id, now));
          return ['holder-gone', payment.id];
        }
        const claimed = await this.payments.transition(em, payment.id, 'WAITING_SCAN', {
          state: 'SENDING',
          partnerId: scan.partner.id,
          upstreamId: randomUUID(),
          waitDeadline: null,
          updatedAt: now,
        });
        await this.scans.insert(em, this.row(scan, claimed ? 'ACCEPTED' : 'DECLINED', payment.id, now));
        if (claimed) await this.signal.announce(em, payment.id);
        return [claimed ? 'matched' : 'no-payment', payment.id];
      });
    } catch (error) {
      // Two scans racing: same id, or a second accepted scan for the tranId (first wins).
      if (isUniqueViolation(error)) throw new DuplicateRecordError('Duplicate scan', { tranId: scan.tranId });
      throw error;
    }
    switch (verdict) {
      case 'matched':
        this.signal.released(paymentId!);
        return;
      case 'early':
        return;
      case 'already-scanned':
        throw new DuplicateRecordError('QR code already scanned', { tranId: scan.tranId });
      default:
        throw new RecordNotFoundError('No payment waiting for this code', { tranId: scan.tranId }, 400);
    }
  }

  private async store(
    scan: ScanNotificationDto,
    status: ScanStatus,
    paymentId: string | null,
    now: number,
  ): Promise<void> {
    try {
      await this.db.run((em) => this.scans.insert(em, this.row(scan, status, paymentId, now)));
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
