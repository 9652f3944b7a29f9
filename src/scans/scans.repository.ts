import { Injectable } from '@nestjs/common';
import { Database, type Tx } from '@app/persistence/database';
import { SqlTable } from '@app/persistence/sql-table';
import { Scan } from './scan.entity';

const scans = new SqlTable(Scan);

/**
 * Storage of scans, in plain bound SQL (see `SqlTable`). The status literals
 * let the database use the partial unique indexes (one accepted scan per
 * payment, one early scan per tranId) for these lookups.
 */
@Injectable()
export class ScansRepository {
  constructor(private readonly db: Database) {}

  insert(tx: Tx, scan: Scan): Promise<void> {
    return scans.insert(tx, scan);
  }

  exists(id: string): Promise<boolean> {
    return this.db.run((tx) => scans.exists(tx, 'id = ?', [id]));
  }

  /** The early scan kept for this tranId within the grace window (docs/protocol.md §6), if any. */
  earlySince(tx: Tx, tranId: string, since: number): Promise<Scan | null> {
    return scans.one(tx, "tran_id = ? AND status = 'EARLY' AND created_at > ?", [tranId, since]);
  }

  /** Early scans nobody claimed in time stop counting. */
  async expireEarly(tx: Tx, tranId: string, before: number): Promise<void> {
    await scans.update(tx, { status: 'EXPIRED' }, "tran_id = ? AND status = 'EARLY' AND created_at <= ?", [
      tranId,
      before,
    ]);
  }

  /** Matches a kept early scan to a payment; false if another payment took it first. */
  async claim(tx: Tx, scanId: string, paymentId: string): Promise<boolean> {
    return (await scans.update(tx, { paymentId, status: 'ACCEPTED' }, "id = ? AND status = 'EARLY'", [scanId])) > 0;
  }

  forPayment(paymentId: string, tx?: Tx): Promise<Scan | null> {
    const find = (m: Tx) => scans.one(m, "payment_id = ? AND status = 'ACCEPTED'", [paymentId]);
    return tx ? find(tx) : this.db.run(find);
  }
}
