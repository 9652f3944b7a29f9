import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { moneyColumn, timeColumn } from '@app/persistence/column-types';

/** A QR code issued to a retailer (docs/protocol.md §4). `tranId` links the payment and the partner's scan. */
@Entity('qr_codes')
@Index('idx_qr_codes_created_at', ['createdAt', 'tranId'])
export class QrCode {
  @PrimaryColumn({ name: 'tran_id', type: 'varchar', length: 64 })
  tranId!: string;

  /** The retailer's CreateQrCodeRequest id; unique so a reused id is a DUPLICATE_RECORD. */
  @Column({ name: 'request_id', type: 'varchar', length: 64, unique: true })
  requestId!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 256 })
  clientId!: string;

  @Column({ name: 'terminal_id', type: 'varchar', length: 8 })
  terminalId!: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 15, nullable: true })
  merchantId!: string | null;

  @Column(moneyColumn({ name: 'amount', nullable: true }))
  amount!: number | null;

  @Column({ name: 'currency', type: 'varchar', length: 3, nullable: true })
  currency!: string | null;

  @Column({ name: 'over_payment_allowed', type: 'boolean' })
  overPaymentAllowed!: boolean;

  @Column({ name: 'part_payment_allowed', type: 'boolean' })
  partPaymentAllowed!: boolean;

  @Column({ name: 'single_use', type: 'boolean' })
  singleUse!: boolean;

  @Column({ name: 'scheme', type: 'varchar', length: 32 })
  scheme!: string;

  @Column({ name: 'qr_code', type: 'text' })
  qrCode!: string;

  /** RFC 3339 text exactly as the retailer sent it (echoed back), or null when the default TTL applied. */
  @Column({ name: 'expiry_text', type: 'varchar', length: 64, nullable: true })
  expiryText!: string | null;

  @Column(timeColumn({ name: 'expires_at' }))
  expiresAt!: number;

  /** Set when a payment against a single-use code was approved. */
  @Column({ name: 'paid_by_payment_id', type: 'varchar', length: 64, nullable: true })
  paidByPaymentId!: string | null;

  @Column(timeColumn({ name: 'created_at' }))
  createdAt!: number;
}
