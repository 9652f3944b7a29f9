import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Database, insertRow } from '@app/persistence/database';
import { DeliveryAttempt } from './delivery-attempt.entity';
import { OutboxEntry } from './outbox-entry.entity';

/** The store-and-forward queue (SPEC §7, §10). */
@Injectable()
export class OutboxRepository {
  constructor(private readonly db: Database) {}

  insert(em: EntityManager, entry: OutboxEntry): Promise<void> {
    return insertRow(em, OutboxEntry, entry);
  }

  /**
   * Queues a new advice for delivery, due now. `makeBody` gets the new entry's
   * id, which is also the id of the upstream advice message.
   */
  async enqueue(
    em: EntityManager,
    entry: Pick<OutboxEntry, 'paymentId' | 'partnerId' | 'kind' | 'sourceAdviceId'>,
    makeBody: (id: string) => OutboxEntry['body'],
    now: number,
  ): Promise<void> {
    const id = randomUUID();
    await this.insert(em, {
      ...entry,
      id,
      body: makeBody(id),
      status: 'PENDING',
      attempts: 0,
      nextAttemptAt: now,
      leaseOwner: null,
      leaseUntil: null,
      lastError: null,
      resolvedBy: null,
      createdAt: now,
      updatedAt: now,
      deliveredAt: null,
    });
  }

  forPayment(em: EntityManager, paymentId: string, kind: OutboxEntry['kind']): Promise<OutboxEntry | null> {
    return em.findOneBy(OutboxEntry, { paymentId, kind });
  }

  /**
   * Leases up to `limit` due entries to `owner` until `leaseUntil`. On
   * PostgreSQL rows are picked with FOR UPDATE SKIP LOCKED, so instances never
   * claim the same row; an expired lease (its instance died) is claimable again.
   */
  claimDue(owner: string, now: number, leaseUntil: number, limit: number): Promise<OutboxEntry[]> {
    return this.db.transaction(async (em) => {
      let query = em
        .createQueryBuilder(OutboxEntry, 'o')
        .where("o.status = 'PENDING'")
        .andWhere('o.next_attempt_at <= :now', { now })
        // Our own leases too: a drain only starts when the previous one has finished,
        // so a row still leased to us is one whose result could not be written.
        .andWhere('(o.lease_until IS NULL OR o.lease_until < :now OR o.lease_owner = :owner)', { now, owner })
        .orderBy('o.next_attempt_at', 'ASC')
        .limit(limit);
      if (this.db.isPostgres) query = query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const rows = await query.getMany();
      if (rows.length === 0) return rows;
      await em
        .createQueryBuilder()
        .update(OutboxEntry)
        .set({ leaseOwner: owner, leaseUntil })
        .whereInIds(rows.map((r) => r.id))
        .execute();
      return rows.map((r) => ({ ...r, leaseOwner: owner, leaseUntil }));
    });
  }

  /** Records a delivery attempt and its effect, only while `owner` still holds the lease. */
  async settle(
    entry: OutboxEntry,
    owner: string,
    changes: Partial<OutboxEntry>,
    attempt: Omit<DeliveryAttempt, 'seq'>,
  ): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const result = await em
        .createQueryBuilder()
        .update(OutboxEntry)
        .set({ ...changes, leaseOwner: null, leaseUntil: null } as Record<string, unknown>)
        .where('id = :id AND lease_owner = :owner', { id: entry.id, owner })
        .execute();
      if ((result.affected ?? 0) === 0) return false;
      await insertRow(em, DeliveryAttempt, attempt);
      return true;
    });
  }

  /** Gives back every lease this instance holds (graceful shutdown, SPEC §10). */
  async releaseLeases(owner: string): Promise<void> {
    await this.db.run((em) =>
      em
        .createQueryBuilder()
        .update(OutboxEntry)
        .set({ leaseOwner: null, leaseUntil: null })
        .where('lease_owner = :owner', { owner })
        .execute(),
    );
  }

  /**
   * Frees the leases of instances that have certainly stopped, so their
   * advices go out now rather than when the lease runs out. Not for instances
   * that merely went silent: one cut off from the database may still be sending.
   */
  async releaseLeasesOf(owners: string[]): Promise<number> {
    if (owners.length === 0) return 0;
    const result = await this.db.run((em) =>
      em
        .createQueryBuilder()
        .update(OutboxEntry)
        .set({ leaseOwner: null, leaseUntil: null })
        .where('lease_owner IN (:...owners)', { owners })
        .execute(),
    );
    return result.affected ?? 0;
  }

  /** Soonest time any pending entry falls due, for the worker's next wake-up. */
  async nextDueAt(): Promise<number | null> {
    const row = await this.db.run((em) =>
      em
        .createQueryBuilder(OutboxEntry, 'o')
        .select('MIN(o.next_attempt_at)', 'due')
        .where("o.status = 'PENDING'")
        .getRawOne<{ due: string | number | null }>(),
    );
    return row?.due === null || row?.due === undefined ? null : Number(row.due);
  }
}
