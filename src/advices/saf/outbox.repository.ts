import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Database } from '@app/persistence/database';
import { execute, placeholders, SqlTable } from '@app/persistence/sql-table';
import { DeliveryAttempt } from './delivery-attempt.entity';
import { OutboxEntry } from './outbox-entry.entity';

const outbox = new SqlTable(OutboxEntry);
const attempts = new SqlTable(DeliveryAttempt);

/** The store-and-forward queue (SPEC §7, §10), in plain bound SQL (see `SqlTable`). */
@Injectable()
export class OutboxRepository {
  constructor(private readonly db: Database) {}

  insert(em: EntityManager, entry: OutboxEntry): Promise<void> {
    return outbox.insert(em, entry);
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
    return outbox.one(em, 'payment_id = ? AND kind = ?', [paymentId, kind]);
  }

  /**
   * Leases up to `limit` due entries to `owner` until `leaseUntil`. On
   * PostgreSQL rows are picked with FOR UPDATE SKIP LOCKED, so instances never
   * claim the same row; an expired lease (its instance died) is claimable again.
   */
  claimDue(owner: string, now: number, leaseUntil: number, limit: number): Promise<OutboxEntry[]> {
    // Our own leases too: a drain only starts when the previous one has finished,
    // so a row still leased to us is one whose result could not be written.
    const due =
      "status = 'PENDING' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)";
    const lock = this.db.isPostgres ? ' FOR UPDATE SKIP LOCKED' : '';
    return this.db.transaction(async (em) => {
      const rows = await outbox.select(em, due, [now, now, owner, limit], `ORDER BY next_attempt_at ASC LIMIT ?${lock}`);
      if (rows.length === 0) return rows;
      const ids = rows.map((r) => r.id);
      await outbox.update(em, { leaseOwner: owner, leaseUntil }, `id IN ${placeholders(ids.length)}`, ids);
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
      const released = { ...changes, leaseOwner: null, leaseUntil: null };
      if ((await outbox.update(em, released, 'id = ? AND lease_owner = ?', [entry.id, owner])) === 0) return false;
      await attempts.insert(em, attempt as DeliveryAttempt);
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
    const { rows } = await this.db.run((em) =>
      execute(em, "SELECT MIN(next_attempt_at) AS due FROM outbox WHERE status = 'PENDING'", []),
    );
    const due = rows[0]?.due;
    return due === null || due === undefined ? null : Number(due);
  }
}
