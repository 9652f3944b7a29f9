import { Injectable } from '@nestjs/common';
import { EntityManager, LessThanOrEqual, MoreThan } from 'typeorm';
import { Database, insertRow } from '@app/persistence/database';
import { Scan } from './scan.entity';

@Injectable()
export class ScansRepository {
  constructor(private readonly db: Database) {}

  insert(em: EntityManager, scan: Scan): Promise<void> {
    return insertRow(em, Scan, scan);
  }

  exists(id: string): Promise<boolean> {
    return this.db.run((em) => em.existsBy(Scan, { id }));
  }

  /** The early scan kept for this tranId within the grace window (SPEC §6), if any. */
  earlySince(em: EntityManager, tranId: string, since: number): Promise<Scan | null> {
    return em.findOneBy(Scan, { tranId, status: 'EARLY', createdAt: MoreThan(since) });
  }

  /** Early scans nobody claimed in time stop counting. */
  async expireEarly(em: EntityManager, tranId: string, before: number): Promise<void> {
    await em.update(Scan, { tranId, status: 'EARLY', createdAt: LessThanOrEqual(before) }, { status: 'EXPIRED' });
  }

  /** Matches a kept early scan to a payment; false if another payment took it first. */
  async claim(em: EntityManager, scanId: string, paymentId: string): Promise<boolean> {
    const result = await em
      .createQueryBuilder()
      .update(Scan)
      .set({ paymentId, status: 'ACCEPTED' })
      .where("id = :scanId AND status = 'EARLY'", { scanId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  forPayment(paymentId: string, em?: EntityManager): Promise<Scan | null> {
    const find = (m: EntityManager) => m.findOneBy(Scan, { paymentId, status: 'ACCEPTED' });
    return em ? find(em) : this.db.run(find);
  }
}
