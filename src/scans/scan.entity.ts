import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonObject, jsonColumn, timeColumn } from '@app/persistence/column-types';

/**
 * ACCEPTED: matched to a payment. EARLY: kept for `earlyScanGraceMs` before
 * its payment arrived. EXPIRED: an early scan nobody claimed in time.
 */
export type ScanStatus = 'ACCEPTED' | 'EARLY' | 'EXPIRED' | 'DECLINED';

/**
 * A partner's scan notification (docs/protocol.md §6). Every scan is kept; one ACCEPTED
 * scan per payment and one EARLY scan per tranId (partial unique indexes).
 */
@Entity('scans')
@Index('idx_scans_tran_id', ['tranId'])
@Index('idx_scans_created_at', ['createdAt', 'id'])
@Index('idx_scans_payment_id', ['paymentId'])
@Index('uq_scans_accepted_payment_id', ['paymentId'], { unique: true, where: "status = 'ACCEPTED'" })
@Index('uq_scans_early_tran_id', ['tranId'], { unique: true, where: "status = 'EARLY'" })
export class Scan {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'tran_id', type: 'varchar', length: 64 })
  tranId!: string;

  @Column({ name: 'partner_id', type: 'varchar', length: 256 })
  partnerId!: string;

  @Column({ name: 'status', type: 'varchar', length: 16 })
  status!: ScanStatus;

  @Column({ name: 'payment_id', type: 'varchar', length: 64, nullable: true })
  paymentId!: string | null;

  /** Forwarded upstream in the PaymentRequest; never logged (docs/protocol.md §3). */
  @Column({ name: 'partner_payment_token', type: 'text', nullable: true })
  partnerPaymentToken!: string | null;

  @Column(jsonColumn({ name: 'body' }))
  body!: JsonObject | null;

  @Column(timeColumn({ name: 'created_at' }))
  createdAt!: number;
}
