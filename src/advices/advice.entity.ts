import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AdviceKind } from '@app/outbox/outbox-entry.entity';
import { JsonObject, jsonColumn, timeColumn } from '@app/persistence/column-types';

export type { AdviceKind };

/**
 * A retailer's advice as received (docs/protocol.md §7), kept for idempotency: the same id
 * with the same content is answered again, with other content it is a duplicate.
 * `paymentId` is null for a reversal of an unknown request, which is remembered
 * so that a PaymentRequest with that id arriving later is declined.
 */
@Entity('advices')
@Index('idx_advices_request_id', ['requestId'])
@Index('idx_advices_created_at', ['createdAt', 'id'])
@Index('idx_advices_payment_id', ['paymentId'])
export class Advice {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'kind', type: 'varchar', length: 16 })
  kind!: AdviceKind;

  @Column({ name: 'request_id', type: 'varchar', length: 64 })
  requestId!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 256 })
  clientId!: string;

  @Column({ name: 'payment_id', type: 'varchar', length: 64, nullable: true })
  paymentId!: string | null;

  @Column({ name: 'content_hash', type: 'varchar', length: 64 })
  contentHash!: string;

  /** HTTP status the retailer was given, answered again for a repeat. */
  @Column({ name: 'answer_status', type: 'integer' })
  answerStatus!: number;

  @Column(jsonColumn({ name: 'body' }))
  body!: JsonObject | null;

  @Column(timeColumn({ name: 'created_at' }))
  createdAt!: number;
}
