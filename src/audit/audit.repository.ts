import { Injectable } from '@nestjs/common';
import { JsonObject } from '@app/persistence/column-types';
import { Database, insertRaw, SqlValue, type Tx } from '@app/persistence/database';
import { execute } from '@app/persistence/sql-table';
import { AuditMessage } from './audit-message.entity';

/** Storage of the audit trail (docs/protocol.md §10): many rows in one plain bound INSERT. */
@Injectable()
export class AuditRepository {
  constructor(private readonly db: Database) {}

  /** Inserts the rows in one statement; `seq` is given by the database, in the rows' order. */
  async insertMany(rows: ReadonlyArray<Partial<AuditMessage>>): Promise<void> {
    await this.db.run((tx) => insertRaw(tx, 'audit_messages', AUDIT_COLUMNS, rows.map(auditValues)));
  }

  /**
   * A payment's lifecycle transition, inside `tx`, the transaction that made
   * it: committed with it or not at all. One fixed statement, no bodies.
   */
  async insertTransition(tx: Tx, event: TransitionEvent): Promise<void> {
    const { operation, paymentId, tranId, partnerId, outcome, at } = event;
    await execute(tx, INSERT_TRANSITION, [operation, paymentId, tranId, partnerId, outcome, at]);
  }
}

/** A lifecycle transition as the audit trail keeps it (direction STATE). */
export interface TransitionEvent {
  operation: string;
  paymentId: string;
  tranId: string;
  partnerId: string | null;
  outcome: string;
  at: number;
}

const INSERT_TRANSITION =
  "INSERT INTO audit_messages (direction, operation, message_id, tran_id, institution_id, outcome, created_at) VALUES ('STATE', ?, ?, ?, ?, ?, ?)";

const AUDIT_COLUMNS = [
  'direction',
  'operation',
  'message_id',
  'tran_id',
  'institution_id',
  'http_status',
  'outcome',
  'request_body',
  'response_body',
  'duration_ms',
  'created_at',
] as const;

function auditValues(r: Partial<AuditMessage>): SqlValue[] {
  const json = (v: JsonObject | null | undefined) => (v === null || v === undefined ? null : JSON.stringify(v));
  return [
    r.direction ?? null,
    r.operation ?? null,
    r.messageId ?? null,
    r.tranId ?? null,
    r.institutionId ?? null,
    r.httpStatus ?? null,
    r.outcome ?? null,
    json(r.requestBody),
    json(r.responseBody),
    r.durationMs ?? null,
    r.createdAt ?? null,
  ];
}
