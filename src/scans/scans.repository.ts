import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull, MoreThan } from 'typeorm';
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

  acceptedFor(em: EntityManager, tranId: string): Promise<Scan | null> {
    return em.findOneBy(Scan, { tranId, status: 'ACCEPTED' });
  }

  /** An early scan kept for `earlyScanGraceMs`, not yet matched to a payment (SPEC §6). */
  unmatchedSince(em: EntityManager, tranId: string, since: number): Promise<Scan | null> {
    return em.findOneBy(Scan, { tranId, status: 'ACCEPTED', paymentId: IsNull(), createdAt: MoreThan(since) });
  }

  async claim(em: EntityManager, scanId: string, paymentId: string): Promise<boolean> {
    const result = await em
      .createQueryBuilder()
      .update(Scan)
      .set({ paymentId })
      .where('id = :scanId AND payment_id IS NULL', { scanId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  forPayment(paymentId: string, em?: EntityManager): Promise<Scan | null> {
    const find = (m: EntityManager) => m.findOneBy(Scan, { paymentId, status: 'ACCEPTED' });
    return em ? find(em) : this.db.run(find);
  }
}
