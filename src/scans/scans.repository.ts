import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Database } from '@app/persistence/database';
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

  insert(em: EntityManager, scan: Scan): Promise<void> {
    return scans.insert(em, scan);
  }

  exists(id: string): Promise<boolean> {
    return this.db.run((em) => scans.exists(em, 'id = ?', [id]));
  }

  /** The early scan kept for this tranId within the grace window (docs/protocol.md §6), if any. */
  earlySince(em: EntityManager, tranId: string, since: number): Promise<Scan | null> {
    return scans.one(em, "tran_id = ? AND status = 'EARLY' AND created_at > ?", [tranId, since]);
  }

  /** Early scans nobody claimed in time stop counting. */
  async expireEarly(em: EntityManager, tranId: string, before: number): Promise<void> {
    await scans.update(em, { status: 'EXPIRED' }, "tran_id = ? AND status = 'EARLY' AND created_at <= ?", [
      tranId,
      before,
    ]);
  }

  /** Matches a kept early scan to a payment; false if another payment took it first. */
  async claim(em: EntityManager, scanId: string, paymentId: string): Promise<boolean> {
    return (await scans.update(em, { paymentId, status: 'ACCEPTED' }, "id = ? AND status = 'EARLY'", [scanId])) > 0;
  }

  forPayment(paymentId: string, em?: EntityManager): Promise<Scan | null> {
    const find = (m: EntityManager) => scans.one(m, "payment_id = ? AND status = 'ACCEPTED'", [paymentId]);
    return em ? find(em) : this.db.run(find);
  }
}
