import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { timeColumn } from '@app/persistence/column-types';

/** One try at delivering an outbox entry, for the operator's timeline. */
@Entity('delivery_attempts')
@Index('idx_delivery_attempts_outbox', ['outboxId'])
export class DeliveryAttempt {
  @PrimaryGeneratedColumn({ name: 'seq' })
  seq!: number;

  @Column({ name: 'outbox_id', type: 'varchar', length: 64 })
  outboxId!: string;

  @Column({ name: 'instance_id', type: 'varchar', length: 64 })
  instanceId!: string;

  @Column({ name: 'outcome', type: 'varchar', length: 16 })
  outcome!: string;

  @Column({ name: 'http_status', type: 'integer', nullable: true })
  httpStatus!: number | null;

  @Column({ name: 'detail', type: 'text', nullable: true })
  detail!: string | null;

  @Column(timeColumn({ name: 'created_at' }))
  createdAt!: number;
}
