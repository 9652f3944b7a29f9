import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Database, insertRow } from '@app/persistence/database';
import { Payment, PaymentState, Settlement } from './payment.entity';

/** States in which a payment still holds its QR code (one at a time per tranId). */
export const ACTIVE_STATES: PaymentState[] = ['WAITING_SCAN', 'SENDING'];

/** Storage of payments; state changes are conditional so racing writers cannot both win. */
@Injectable()
export class PaymentsRepository {
  constructor(private readonly db: Database) {}

  insert(em: EntityManager, payment: Payment): Promise<void> {
    return insertRow(em, Payment, payment);
  }

  find(id: string, em?: EntityManager): Promise<Payment | null> {
    return em ? em.findOneBy(Payment, { id }) : this.db.run((m) => m.findOneBy(Payment, { id }));
  }

  findActiveByTranId(em: EntityManager, tranId: string): Promise<Payment | null> {
    return em.findOneBy(Payment, { tranId, state: In(ACTIVE_STATES) });
  }

  /** The most recent payment against a QR code. */
  latestForTranId(em: EntityManager, tranId: string): Promise<Payment | null> {
    return em.findOne(Payment, { where: { tranId }, order: { createdAt: 'DESC' } });
  }

  /**
   * Moves a payment from one state to another only if it is still in `from`;
   * returns whether this caller won.
   */
  async transition(
    em: EntityManager,
    id: string,
    from: PaymentState | PaymentState[],
    changes: Partial<Payment>,
  ): Promise<boolean> {
    const states = Array.isArray(from) ? from : [from];
    const result = await em
      .createQueryBuilder()
      .update(Payment)
      .set(changes as Record<string, unknown>)
      .where('id = :id', { id })
      .andWhere('state IN (:...states)', { states })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Records the retailer's settlement of an approved payment, once: false if it was already settled. */
  async settle(em: EntityManager, id: string, settlement: Settlement, now: number): Promise<boolean> {
    const result = await em
      .createQueryBuilder()
      .update(Payment)
      .set({ settlement, updatedAt: now })
      .where("id = :id AND state = 'APPROVED' AND settlement = 'NONE'", { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async update(em: EntityManager, id: string, changes: Partial<Payment>): Promise<void> {
    await em
      .createQueryBuilder()
      .update(Payment)
      .set(changes as Record<string, unknown>)
      .where('id = :id', { id })
      .execute();
  }

  /** Payments still held (waiting or in flight) by instances other than the living ones (SPEC §10). */
  heldByOthers(aliveIds: string[], states: PaymentState[]): Promise<Payment[]> {
    return this.db.run((em) =>
      em
        .createQueryBuilder(Payment, 'p')
        .where('p.state IN (:...states)', { states })
        .andWhere('p.instance_id NOT IN (:...aliveIds)', { aliveIds })
        .getMany(),
    );
  }
}
