import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonObject, jsonColumn, moneyColumn, timeColumn } from '@app/persistence/column-types';

/**
 * Where a payment is in its life (docs/protocol.md §5, §7):
 * WAITING_SCAN → SENDING → APPROVED | DECLINED | UNKNOWN (timeout reversal queued);
 * WAITING_SCAN → NO_SCAN (nothing went upstream) | CLOSED (its instance died or shut down).
 */
export type PaymentState = 'WAITING_SCAN' | 'SENDING' | 'APPROVED' | 'DECLINED' | 'UNKNOWN' | 'NO_SCAN' | 'CLOSED';

/** What the retailer's advices did to an approved payment. */
export type Settlement = 'NONE' | 'CONFIRMED' | 'REVERSED';

@Entity('payments')
@Index('idx_payments_tran_id', ['tranId'])
@Index('idx_payments_state', ['state'])
@Index('idx_payments_created_at', ['createdAt', 'id'])
// One payment at a time may hold a QR code (waiting for its scan or in flight upstream).
@Index('uq_payments_active_tran_id', ['tranId'], { unique: true, where: "state IN ('WAITING_SCAN', 'SENDING')" })
export class Payment {
  /** The retailer's PaymentRequest id (unique: a reused id is a DUPLICATE_RECORD). */
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'tran_id', type: 'varchar', length: 64 })
  tranId!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 256 })
  clientId!: string;

  @Column({ name: 'partner_id', type: 'varchar', length: 256, nullable: true })
  partnerId!: string | null;

  /** The hub's own PaymentRequest id upstream (the hub is the client there). */
  @Column({ name: 'upstream_id', type: 'varchar', length: 64, nullable: true, unique: true })
  upstreamId!: string | null;

  @Column({ name: 'state', type: 'varchar', length: 16 })
  state!: PaymentState;

  @Column({ name: 'settlement', type: 'varchar', length: 16, default: 'NONE' })
  settlement!: Settlement;

  /**
   * A retailer reversal accepted while the payment was still in flight upstream (docs/protocol.md §7).
   * The default is the SQL the initial migration wrote, `false` (SQLite keeps a default's text;
   * a plain `false` here would read as `0` there and differ from the migrated schema).
   */
  @Column({ name: 'reversal_requested', type: 'boolean', default: () => 'false' })
  reversalRequested!: boolean;

  @Column(moneyColumn({ name: 'amount' }))
  amount!: number;

  @Column({ name: 'currency', type: 'varchar', length: 3 })
  currency!: string;

  @Column(moneyColumn({ name: 'approved_amount', nullable: true }))
  approvedAmount!: number | null;

  /** The hub instance holding the retailer's HTTP request while it waits for the scan. */
  @Column({ name: 'instance_id', type: 'varchar', length: 64 })
  instanceId!: string;

  @Column(timeColumn({ name: 'wait_deadline', nullable: true }))
  waitDeadline!: number | null;

  /** The retailer's PaymentRequest as validated (whitelisted fields only). */
  @Column(jsonColumn({ name: 'request' }))
  request!: JsonObject | null;

  @Column(jsonColumn({ name: 'upstream_request', nullable: true }))
  upstreamRequest!: JsonObject | null;

  /** The partner's PaymentResponse on approval. */
  @Column(jsonColumn({ name: 'upstream_response', nullable: true }))
  upstreamResponse!: JsonObject | null;

  /** The ErrorDetail the retailer got, when it failed. */
  @Column(jsonColumn({ name: 'error', nullable: true }))
  error!: JsonObject | null;

  /**
   * The partner's own reference for the payment (e.g. a charge id), from its answer or a late
   * one: handed back to the connector with every advice (docs/adding-a-connector.md).
   */
  @Column({ name: 'partner_ref', type: 'varchar', length: 256, nullable: true })
  partnerRef!: string | null;

  /** A partner answer that arrived after the hub gave up (kept for reconciliation). */
  @Column(jsonColumn({ name: 'late_response', nullable: true }))
  lateResponse!: JsonObject | null;

  @Column(timeColumn({ name: 'created_at' }))
  createdAt!: number;

  @Column(timeColumn({ name: 'updated_at' }))
  updatedAt!: number;
}
