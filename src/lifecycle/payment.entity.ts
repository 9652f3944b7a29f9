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

/**
 * Why a payment's outcome is UNKNOWN (the hub reversed it with reason TIMEOUT):
 * the partner did not answer in time, answered with an error that decides
 * nothing (5xx), could not be reached, approved unreadably; or the hub itself
 * lost the outcome (its instance stopped with the payment in flight, or
 * storage failed while recording the answer).
 */
export type UnknownReason =
  | 'PARTNER_TIMEOUT'
  | 'PARTNER_ERROR'
  | 'PARTNER_UNREACHABLE'
  | 'UNREADABLE_APPROVAL'
  | 'PARTNER_NOT_CONFIGURED'
  | 'HUB_STOPPED'
  | 'STORAGE_FAILURE';

@Entity('payments')
@Index('idx_payments_tran_id', ['tranId'])
@Index('idx_payments_state', ['state'])
@Index('idx_payments_created_at', ['createdAt', 'id'])
// The console's transaction list, newest first within one filter (docs/operations-console.md).
@Index('idx_payments_state_created_at', ['state', 'createdAt', 'id'])
@Index('idx_payments_partner_created_at', ['partnerId', 'createdAt', 'id'])
@Index('idx_payments_client_created_at', ['clientId', 'createdAt', 'id'])
@Index('idx_payments_terminal_created_at', ['terminalId', 'createdAt', 'id'])
// The dashboard's windows and the settlement report's business days.
@Index('idx_payments_answered_at', ['answeredAt'])
@Index('idx_payments_approved_at', ['approvedAt'])
@Index('idx_payments_settled_at', ['settledAt'])
// Late answers kept for reconciliation: few, and found without reading the rest.
@Index('idx_payments_late_answers', ['updatedAt'], { where: 'late_response IS NOT NULL' })
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

  /** The retailer's terminal that asked for the payment (null for payments stored before it was kept). */
  @Column({ name: 'terminal_id', type: 'varchar', length: 8, nullable: true })
  terminalId!: string | null;

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

  /** When the partner's scan released the payment (or it was stored already on its way upstream). */
  @Column(timeColumn({ name: 'scanned_at', nullable: true }))
  scannedAt!: number | null;

  /** When the partner's answer (or the lack of one) was recorded: APPROVED, DECLINED or UNKNOWN. */
  @Column(timeColumn({ name: 'answered_at', nullable: true }))
  answeredAt!: number | null;

  /** When the partner's approval was recorded: the business day it belongs to (settlement report). */
  @Column(timeColumn({ name: 'approved_at', nullable: true }))
  approvedAt!: number | null;

  /** When it was confirmed, reversed, or marked UNKNOWN with its timeout reversal queued. */
  @Column(timeColumn({ name: 'settled_at', nullable: true }))
  settledAt!: number | null;

  /** How long the partner took to answer the pay call (or to time out), in milliseconds. */
  @Column({ name: 'partner_ms', type: 'integer', nullable: true })
  partnerMs!: number | null;

  /** Why the outcome is UNKNOWN; null otherwise. */
  @Column({ name: 'unknown_reason', type: 'varchar', length: 32, nullable: true })
  unknownReason!: UnknownReason | null;

  @Column(timeColumn({ name: 'created_at' }))
  createdAt!: number;

  @Column(timeColumn({ name: 'updated_at' }))
  updatedAt!: number;
}
