import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/*
 * The partner's own reference for a payment (docs/adding-a-connector.md): a connector whose
 * partner confirms or voids only by its own id (a charge id) gets it back with every advice,
 * also after a restart or on another instance. Null for payments stored before.
 */
export class PartnerRef1767398400000 implements MigrationInterface {
  name = 'PartnerRef1767398400000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'payments',
      new TableColumn({ name: 'partner_ref', type: 'varchar', length: '256', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('payments', 'partner_ref');
  }
}
