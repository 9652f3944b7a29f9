import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonObject, jsonColumn, timeColumn } from '@app/persistence/column-types';

/** What an advice tells the partner: the payment is to be settled (confirmed) or reversed. */
export type AdviceKind = 'CONFIRMATION' | 'REVERSAL';

/** PENDING until the partner gives a final answer; PARKED for an operator when it fails; RESOLVED by an operator. */
export type OutboxStatus = 'PENDING' | 'DELIVERED' | 'PARKED' | 'RESOLVED';

/**
 * An advice the hub owes a partner (store-and-forward, docs/protocol.md §7). At most one
 * confirmation and one reversal per payment (unique index), so no second
 * upstream advice can ever be queued.
 */
@Entity('outbox')
@Index('uq_outbox_payment_kind', ['paymentId', 'kind'], { unique: true })
@Index('idx_outbox_due', ['status', 'nextAttemptAt'])
export class OutboxEntry {
  /** The id of the upstream advice message (the hub is its sender). */
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'payment_id', type: 'varchar', length: 64 })
  paymentId!: string;

  @Column({ name: 'partner_id', type: 'varchar', length: 256 })
  partnerId!: string;

  @Column({ name: 'kind', type: 'varchar', length: 16 })
  kind!: AdviceKind;

  /** The retailer advice that caused it, or null for the hub's own timeout reversal. */
  @Column({ name: 'source_advice_id', type: 'varchar', length: 64, nullable: true })
  sourceAdviceId!: string | null;

  @Column(jsonColumn({ name: 'body' }))
  body!: JsonObject | null;

  @Column({ name: 'status', type: 'varchar', length: 16 })
  status!: OutboxStatus;

  @Column({ name: 'attempts', type: 'integer', default: 0 })
  attempts!: number;

  @Column(timeColumn({ name: 'next_attempt_at' }))
  nextAttemptAt!: number;

  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner!: string | null;

  @Column(timeColumn({ name: 'lease_until', nullable: true }))
  leaseUntil!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'resolved_by', type: 'varchar', length: 256, nullable: true })
  resolvedBy!: string | null;

  @Column(timeColumn({ name: 'created_at' }))
  createdAt!: number;

  @Column(timeColumn({ name: 'updated_at' }))
  updatedAt!: number;

  @Column(timeColumn({ name: 'delivered_at', nullable: true }))
  deliveredAt!: number | null;
}
