import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/*
 * Indexes the retention purge and the oldest-record figures need
 * (src/retention): each kind is walked oldest first by (created_at, primary
 * key), and a payment's scans and advices are found by payment_id. Without
 * them every purge batch and every metrics scrape would read whole tables.
 */
const INDEXES: Array<[table: string, name: string, columns: string[]]> = [
  ['audit_messages', 'idx_audit_created_at', ['created_at', 'seq']],
  ['payments', 'idx_payments_created_at', ['created_at', 'id']],
  ['scans', 'idx_scans_created_at', ['created_at', 'id']],
  ['scans', 'idx_scans_payment_id', ['payment_id']],
  ['advices', 'idx_advices_created_at', ['created_at', 'id']],
  ['advices', 'idx_advices_payment_id', ['payment_id']],
  ['qr_codes', 'idx_qr_codes_created_at', ['created_at', 'tran_id']],
];

export class RetentionIndexes1767225600000 implements MigrationInterface {
  name = 'RetentionIndexes1767225600000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, name, columnNames] of INDEXES) await q.createIndex(table, new TableIndex({ name, columnNames }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, name] of [...INDEXES].reverse()) await q.dropIndex(table, name);
  }
}
