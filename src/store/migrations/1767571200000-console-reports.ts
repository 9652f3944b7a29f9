import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/*
 * What the operations console reads (docs/operations-console.md): the paying
 * terminal, when a payment was scanned, answered, approved and settled, how
 * long its partner took, and why an outcome is unknown; and the indexes its
 * transaction list, dashboard, settlement report and reconciliation list use
 * on a store of millions of payments.
 *
 * Payments stored before get the nearest facts kept: the QR code's terminal,
 * and their last change (`updated_at`) as the time they were answered,
 * approved or settled.
 */
const time = (name: string): TableColumn => new TableColumn({ name, type: 'bigint', isNullable: true });

const COLUMNS = [
  new TableColumn({ name: 'terminal_id', type: 'varchar', length: '8', isNullable: true }),
  time('scanned_at'),
  time('answered_at'),
  time('approved_at'),
  time('settled_at'),
  new TableColumn({ name: 'partner_ms', type: 'integer', isNullable: true }),
  new TableColumn({ name: 'unknown_reason', type: 'varchar', length: '32', isNullable: true }),
];

const INDEXES = [
  new TableIndex({ name: 'idx_payments_state_created_at', columnNames: ['state', 'created_at', 'id'] }),
  new TableIndex({ name: 'idx_payments_partner_created_at', columnNames: ['partner_id', 'created_at', 'id'] }),
  new TableIndex({ name: 'idx_payments_client_created_at', columnNames: ['client_id', 'created_at', 'id'] }),
  new TableIndex({ name: 'idx_payments_terminal_created_at', columnNames: ['terminal_id', 'created_at', 'id'] }),
  new TableIndex({ name: 'idx_payments_answered_at', columnNames: ['answered_at'] }),
  new TableIndex({ name: 'idx_payments_approved_at', columnNames: ['approved_at'] }),
  new TableIndex({ name: 'idx_payments_settled_at', columnNames: ['settled_at'] }),
  new TableIndex({
    name: 'idx_payments_late_answers',
    columnNames: ['updated_at'],
    where: 'late_response IS NOT NULL',
  }),
];

export class ConsoleReports1767571200000 implements MigrationInterface {
  name = 'ConsoleReports1767571200000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('payments', COLUMNS);
    await q.query(
      'UPDATE payments SET terminal_id = (SELECT qr.terminal_id FROM qr_codes qr WHERE qr.tran_id = payments.tran_id)',
    );
    await q.query(
      "UPDATE payments SET scanned_at = created_at WHERE state NOT IN ('WAITING_SCAN', 'NO_SCAN', 'CLOSED')",
    );
    await q.query("UPDATE payments SET answered_at = updated_at WHERE state IN ('APPROVED', 'DECLINED', 'UNKNOWN')");
    await q.query("UPDATE payments SET approved_at = updated_at WHERE state = 'APPROVED'");
    await q.query("UPDATE payments SET settled_at = updated_at WHERE settlement <> 'NONE' OR state = 'UNKNOWN'");
    for (const index of INDEXES) await q.createIndex('payments', index);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of [...INDEXES].reverse()) await q.dropIndex('payments', index.name!);
    for (const column of [...COLUMNS].reverse()) await q.dropColumn('payments', column.name);
  }
}
