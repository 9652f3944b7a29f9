import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JsonObject } from '@app/persistence/column-types';
import { Database, type Tx } from '@app/persistence/database';
import { GroupCommit } from '@app/persistence/group-commit';
import { execute, placeholders, SqlTable } from '@app/persistence/sql-table';
import { DeliveryAttempt } from './delivery-attempt.entity';
import { AdviceKind, OutboxEntry } from './outbox-entry.entity';

const outbox = new SqlTable(OutboxEntry);

/** A leased entry with the partner's reference for its payment, for the connector (null: none known). */
export type ClaimedEntry = OutboxEntry & { partnerRef: string | null };
const attempts = new SqlTable(DeliveryAttempt);

/** An advice a payment's partner is owed (see `OutboxRepository.queueAdvice`). */
export interface AdviceToQueue {
  paymentId: string;
  partnerId: string;
  kind: AdviceKind;
  /** The retailer advice that caused it, or null for the hub's own reversal. */
  sourceAdviceId: string | null;
  /** The upstream advice message, given its id. */
  build: (adviceId: string) => JsonObject;
  /** Queue nothing when the payment already has an advice of this kind. */
  unlessQueued?: boolean;
}

/** A delivery's result to record (see `settle`). */
interface Settlement {
  id: string;
  owner: string;
  changes: Partial<OutboxEntry>;
  attempt: Omit<DeliveryAttempt, 'seq'>;
}

/** One partner's share of the queue (see `OutboxRepository.countsPerPartner`). */
export interface PartnerQueueCounts {
  partnerId: string;
  pending: number;
  parked: number;
  /** When the oldest pending advice was queued (epoch ms), or null. */
  oldestPendingAt: number | null;
}

/** Which partners' entries a claim may take: not those excluded; only `only`'s when given. */
export interface PartnerFilter {
  exclude?: readonly string[];
  only?: string;
}

function partnerCondition(f: PartnerFilter): { sql: string; params: string[] } {
  const exclude = f.exclude ?? [];
  let sql = exclude.length ? ` AND partner_id NOT IN ${placeholders(exclude.length)}` : '';
  if (f.only !== undefined) sql += ' AND partner_id = ?';
  return { sql, params: [...exclude, ...(f.only !== undefined ? [f.only] : [])] };
}

/** Settlements per transaction; a drain delivers at most `saf.batchSize` at once. */
const MAX_SETTLE_BATCH = 500;

/** The store-and-forward queue (docs/protocol.md §7, §10), in plain bound SQL (see `SqlTable`). */
@Injectable()
export class OutboxRepository {
  private readonly settlements = new GroupCommit<Settlement, boolean>(
    (batch) => this.settleAll(batch),
    MAX_SETTLE_BATCH,
  );

  constructor(private readonly db: Database) {}

  /**
   * The one way an advice is queued, by payments and advices alike: in the
   * caller's transaction, due now. `build` gets the new entry's id, which is
   * also the id of the upstream advice message. With `unlessQueued`, nothing
   * is queued when the payment already has an advice of this kind (false).
   * The caller wakes the AdviceForwarder once its transaction has committed.
   */
  async queueAdvice(tx: Tx, advice: AdviceToQueue, now: number): Promise<boolean> {
    const { paymentId, partnerId, kind, sourceAdviceId, build, unlessQueued } = advice;
    if (unlessQueued && (await outbox.one(tx, 'payment_id = ? AND kind = ?', [paymentId, kind]))) return false;
    const id = randomUUID();
    await outbox.insert(tx, {
      id,
      paymentId,
      partnerId,
      kind,
      sourceAdviceId,
      body: build(id),
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
    return true;
  }

  /**
   * Leases up to `limit` due entries to `owner` until `leaseUntil`. On
   * PostgreSQL rows are picked with FOR UPDATE SKIP LOCKED, so instances never
   * claim the same row; an expired lease (its instance died) is claimable again.
   */
  claimDue(
    owner: string,
    now: number,
    leaseUntil: number,
    limit: number,
    partners: PartnerFilter = {},
  ): Promise<ClaimedEntry[]> {
    // Our own leases too: a drain only starts when the previous one has finished,
    // so a row still leased to us is one whose result could not be written.
    const filter = partnerCondition(partners);
    const due =
      "status = 'PENDING' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)" +
      filter.sql;
    const lock = this.db.isPostgres ? ' FOR UPDATE SKIP LOCKED' : '';
    return this.db.transaction(async (tx) => {
      // The payment's reference comes with the row, read at delivery, not when queued: a late
      // answer may have brought it since.
      const rows = await outbox.selectWith(
        tx,
        { payment_partner_ref: 'SELECT partner_ref FROM payments WHERE payments.id = outbox.payment_id' },
        due,
        [now, now, owner, ...filter.params, limit],
        `ORDER BY next_attempt_at ASC LIMIT ?${lock}`,
      );
      if (rows.length === 0) return [];
      const ids = rows.map(({ row }) => row.id);
      await outbox.update(tx, { leaseOwner: owner, leaseUntil }, `id IN ${placeholders(ids.length)}`, ids);
      return rows.map(({ row, extra }) => ({
        ...row,
        leaseOwner: owner,
        leaseUntil,
        partnerRef: typeof extra.payment_partner_ref === 'string' ? extra.payment_partner_ref : null,
      }));
    });
  }

  /**
   * Records a delivery attempt and its effect, only while `owner` still holds
   * the lease; false when it no longer does. Deliveries that finish together
   * are recorded in one transaction (group commit), each row still under its
   * own lease condition.
   */
  settle(
    entry: OutboxEntry,
    owner: string,
    changes: Partial<OutboxEntry>,
    attempt: Omit<DeliveryAttempt, 'seq'>,
  ): Promise<boolean> {
    return this.settlements.submit({ id: entry.id, owner, changes, attempt });
  }

  private settleAll(batch: Settlement[]): Promise<boolean[]> {
    return this.db.transaction(async (tx) => {
      const held: boolean[] = [];
      for (const { id, owner, changes, attempt } of batch) {
        const released = { ...changes, leaseOwner: null, leaseUntil: null };
        const kept = (await outbox.update(tx, released, 'id = ? AND lease_owner = ?', [id, owner])) > 0;
        if (kept) await attempts.insert(tx, attempt as DeliveryAttempt);
        held.push(kept);
      }
      return held;
    });
  }

  /** Gives back every lease this instance holds (graceful shutdown, docs/protocol.md §10). */
  async releaseLeases(owner: string): Promise<void> {
    await this.db.run((tx) => outbox.update(tx, { leaseOwner: null, leaseUntil: null }, 'lease_owner = ?', [owner]));
  }

  /**
   * Frees the leases of instances that have certainly stopped, so their
   * advices go out now rather than when the lease runs out. Not for instances
   * that merely went silent: one cut off from the database may still be sending.
   */
  releaseLeasesOf(owners: string[]): Promise<number> {
    if (owners.length === 0) return Promise.resolve(0);
    const released = { leaseOwner: null, leaseUntil: null };
    return this.db.run((tx) => outbox.update(tx, released, `lease_owner IN ${placeholders(owners.length)}`, owners));
  }

  /** Soonest time any pending entry (of a partner not excluded) falls due, for the worker's next wake-up. */
  async nextDueAt(partners: PartnerFilter = {}): Promise<number | null> {
    const filter = partnerCondition(partners);
    const sql = `SELECT MIN(next_attempt_at) AS due FROM outbox WHERE status = 'PENDING'${filter.sql}`;
    const { rows } = await this.db.run((tx) => execute(tx, sql, filter.params));
    const due = rows[0]?.due;
    return due === null || due === undefined ? null : Number(due);
  }

  /** Per partner with advices still owed: how many are pending and parked, and when the oldest pending one was queued. */
  async countsPerPartner(): Promise<PartnerQueueCounts[]> {
    const { rows } = await this.db.run((tx) =>
      execute(
        tx,
        `SELECT partner_id,
                SUM(CASE WHEN status = 'PENDING' THEN 1 ELSE 0 END) AS pending,
                SUM(CASE WHEN status = 'PARKED' THEN 1 ELSE 0 END) AS parked,
                MIN(CASE WHEN status = 'PENDING' THEN created_at END) AS oldest
           FROM outbox
          WHERE status IN ('PENDING', 'PARKED')
          GROUP BY partner_id`,
        [],
      ),
    );
    return rows.map((r) => ({
      partnerId: String(r.partner_id),
      pending: Number(r.pending),
      parked: Number(r.parked),
      oldestPendingAt: r.oldest === null || r.oldest === undefined ? null : Number(r.oldest),
    }));
  }
}
