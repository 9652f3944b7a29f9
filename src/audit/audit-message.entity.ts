import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { JsonObject, jsonColumn, timeColumn } from '@app/persistence/column-types';

/** IN/OUT: a message received or sent; LATE: a partner answer after the hub gave up; ADMIN: an operator's action; STATE: a payment's lifecycle transition. */
export type AuditDirection = 'IN' | 'OUT' | 'LATE' | 'ADMIN' | 'STATE';

/** One message the hub received or sent, with its outcome (docs/protocol.md §10: audit trail). */
@Entity('audit_messages')
@Index('idx_audit_tran_id', ['tranId'])
@Index('idx_audit_message_id', ['messageId'])
@Index('idx_audit_created_at', ['createdAt', 'seq'])
export class AuditMessage {
  @PrimaryGeneratedColumn({ name: 'seq' })
  seq!: number;

  @Column({ name: 'direction', type: 'varchar', length: 8 })
  direction!: AuditDirection;

  @Column({ name: 'operation', type: 'varchar', length: 40 })
  operation!: string;

  @Column({ name: 'message_id', type: 'varchar', length: 64, nullable: true })
  messageId!: string | null;

  @Column({ name: 'tran_id', type: 'varchar', length: 64, nullable: true })
  tranId!: string | null;

  @Column({ name: 'institution_id', type: 'varchar', length: 256, nullable: true })
  institutionId!: string | null;

  @Column({ name: 'http_status', type: 'integer', nullable: true })
  httpStatus!: number | null;

  @Column({ name: 'outcome', type: 'varchar', length: 40, nullable: true })
  outcome!: string | null;

  @Column(jsonColumn({ name: 'request_body', nullable: true }))
  requestBody!: JsonObject | null;

  @Column(jsonColumn({ name: 'response_body', nullable: true }))
  responseBody!: JsonObject | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column(timeColumn({ name: 'created_at' }))
  createdAt!: number;
}
