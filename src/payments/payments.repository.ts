import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Database, insertRow } from '@app/persistence/database';
import { Payment, PaymentState } from './payment.entity';

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

  async update(em: EntityManager, id: string, changes: Partial<Payment>): Promise<void> {
    await em
      .createQueryBuilder()
      .update(Payment)
      .set(changes as Record<string, unknown>)
      .where('id = :id', { id })
      .execute();
  }

  /** Payments held by instances that are gone (SPEC §10), for recovery. */
  heldBy(instanceIds: string[], states: PaymentState[]): Promise<Payment[]> {
    if (instanceIds.length === 0) return Promise.resolve([]);
    return this.db.run((em) => em.findBy(Payment, { instanceId: In(instanceIds), state: In(states) }));
  }
}
