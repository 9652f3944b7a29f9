import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

// Written with TypeORM's Table API (not raw SQL) so the one migration builds
// the same schema on SQLite and PostgreSQL. Times are epoch ms (bigint).
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const big = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const text = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
const int = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable });
const bool = (name: string, dflt?: boolean): TableColumnOptions => ({
  name,
  type: 'boolean',
  isNullable: false,
  ...(dflt === undefined ? {} : { default: String(dflt) }),
});
const pk = (column: TableColumnOptions): TableColumnOptions => ({ ...column, isPrimary: true });
const seq = (name: string): TableColumnOptions => ({
  name,
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
});

export class InitialSchema1764201600000 implements MigrationInterface {
  name = 'InitialSchema1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'qr_codes',
        columns: [
          pk(str('tran_id', 64)),
          str('request_id', 64),
          str('client_id', 256),
          str('terminal_id', 8),
          str('merchant_id', 15, true),
          big('amount', true),
          str('currency', 3, true),
          bool('over_payment_allowed'),
          bool('part_payment_allowed'),
          bool('single_use'),
          str('scheme', 32),
          text('qr_code'),
          str('expiry_text', 64, true),
          big('expires_at'),
          str('paid_by_payment_id', 64, true),
          big('created_at'),
        ],
        uniques: [{ name: 'uq_qr_codes_request_id', columnNames: ['request_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'payments',
        columns: [
          pk(str('id', 64)),
          str('tran_id', 64),
          str('client_id', 256),
          str('partner_id', 256, true),
          str('upstream_id', 64, true),
          str('state', 16),
          { ...str('settlement', 16), default: "'NONE'" },
          bool('reversal_requested', false),
          big('amount'),
          str('currency', 3),
          big('approved_amount', true),
          str('instance_id', 64),
          big('wait_deadline', true),
          text('request'),
          text('upstream_request', true),
          text('upstream_response', true),
          text('error', true),
          text('late_response', true),
          big('created_at'),
          big('updated_at'),
        ],
        uniques: [{ name: 'uq_payments_upstream_id', columnNames: ['upstream_id'] }],
        indices: [
          { name: 'idx_payments_tran_id', columnNames: ['tran_id'] },
          { name: 'idx_payments_state', columnNames: ['state'] },
        ],
      }),
    );
    // One payment at a time may hold a QR code (waiting for its scan or in flight upstream).
    await q.createIndex(
      'payments',
      new TableIndex({
        name: 'uq_payments_active_tran_id',
        columnNames: ['tran_id'],
        isUnique: true,
        where: "state IN ('WAITING_SCAN', 'SENDING')",
      }),
    );
    await q.createTable(
      new Table({
        name: 'scans',
        columns: [
          pk(str('id', 64)),
          str('tran_id', 64),
          str('partner_id', 256),
          str('status', 16),
          str('payment_id', 64, true),
          text('partner_payment_token', true),
          text('body'),
          big('created_at'),
        ],
        indices: [{ name: 'idx_scans_tran_id', columnNames: ['tran_id'] }],
      }),
    );
    // docs/protocol.md §6: first scan wins — one accepted scan per payment, and one early
    // scan kept per tranId, enforced by the database.
    await q.createIndex(
      'scans',
      new TableIndex({
        name: 'uq_scans_accepted_payment_id',
        columnNames: ['payment_id'],
        isUnique: true,
        where: "status = 'ACCEPTED'",
      }),
    );
    await q.createIndex(
      'scans',
      new TableIndex({
        name: 'uq_scans_early_tran_id',
        columnNames: ['tran_id'],
        isUnique: true,
        where: "status = 'EARLY'",
      }),
    );
    await q.createTable(
      new Table({
        name: 'advices',
        columns: [
          pk(str('id', 64)),
          str('kind', 16),
          str('request_id', 64),
          str('client_id', 256),
          str('payment_id', 64, true),
          str('content_hash', 64),
          int('answer_status'),
          text('body'),
          big('created_at'),
        ],
        indices: [{ name: 'idx_advices_request_id', columnNames: ['request_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'outbox',
        columns: [
          pk(str('id', 64)),
          str('payment_id', 64),
          str('partner_id', 256),
          str('kind', 16),
          str('source_advice_id', 64, true),
          text('body'),
          str('status', 16),
          { ...int('attempts'), default: '0' },
          big('next_attempt_at'),
          str('lease_owner', 64, true),
          big('lease_until', true),
          text('last_error', true),
          str('resolved_by', 256, true),
          big('created_at'),
          big('updated_at'),
          big('delivered_at', true),
        ],
        indices: [
          { name: 'uq_outbox_payment_kind', columnNames: ['payment_id', 'kind'], isUnique: true },
          { name: 'idx_outbox_due', columnNames: ['status', 'next_attempt_at'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'delivery_attempts',
        columns: [
          seq('seq'),
          str('outbox_id', 64),
          str('instance_id', 64),
          str('outcome', 16),
          int('http_status', true),
          text('detail', true),
          big('created_at'),
        ],
        indices: [{ name: 'idx_delivery_attempts_outbox', columnNames: ['outbox_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_messages',
        columns: [
          seq('seq'),
          str('direction', 8),
          str('operation', 40),
          str('message_id', 64, true),
          str('tran_id', 64, true),
          str('institution_id', 256, true),
          int('http_status', true),
          str('outcome', 40, true),
          text('request_body', true),
          text('response_body', true),
          int('duration_ms', true),
          big('created_at'),
        ],
        indices: [
          { name: 'idx_audit_tran_id', columnNames: ['tran_id'] },
          { name: 'idx_audit_message_id', columnNames: ['message_id'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'hub_instances',
        columns: [pk(str('id', 64)), big('started_at'), big('heartbeat_at'), big('stopped_at', true)],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'hub_instances',
      'audit_messages',
      'delivery_attempts',
      'outbox',
      'advices',
      'scans',
      'payments',
      'qr_codes',
    ]) {
      await q.dropTable(table);
    }
  }
}
