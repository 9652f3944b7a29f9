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

/** What a delivery attempt may change on its entry (see `settle`); a property left out keeps its value. */
export type SettleChanges = Partial<
  Pick<OutboxEntry, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'updatedAt' | 'deliveredAt'>
>;

/** A delivery's result to record (see `settle`). */
interface Settlement {
  id: string;
  owner: string;
  changes: SettleChanges;
  attempt: Omit<DeliveryAttempt, 'seq'>;
}

/** The columns a settle may set, with their PostgreSQL types (for the arrays of `SETTLE_PG`). */
const SETTLED_COLUMNS: ReadonlyArray<{ property: keyof SettleChanges & string; column: string; type: string }> = [
  { property: 'status', column: 'status', type: 'varchar' },
  { property: 'attempts', column: 'attempts', type: 'integer' },
  { property: 'nextAttemptAt', column: 'next_attempt_at', type: 'bigint' },
  { property: 'lastError', column: 'last_error', type: 'text' },
  { property: 'updatedAt', column: 'updated_at', type: 'bigint' },
  { property: 'deliveredAt', column: 'delivered_at', type: 'bigint' },
];

/**
 * A whole batch of settlements in one PostgreSQL statement, so one round trip
 * whatever the batch's size (per row, an UPDATE and an INSERT each cost one;
 * at a hundred deliveries a batch those round trips, not the work, were most
 * of the drain's time, docs/benchmarks.md). One array per column, unnested
 * into rows: the text is the same for every batch size, so it is planned once
 * per connection. Each row keeps today's condition, `id = ? AND lease_owner = ?`,
 * re-checked by PostgreSQL on the row's current version if another
 * transaction changed it meanwhile; a delivery attempt is inserted only for
 * the rows this statement updated, in the batch's order. `set_<column>`
 * says whether the settlement changes that column (a null value may mean
 * "set to null"). The statement is atomic by itself: no BEGIN/COMMIT needed.
 */
const SETTLE_PG = (() => {
  const arrays = [
    'id varchar',
    'owner varchar',
    ...SETTLED_COLUMNS.flatMap(({ column, type }) => [`set_${column} boolean`, `${column} ${type}`]),
    'a_instance_id varchar',
    'a_outcome varchar',
    'a_http_status integer',
    'a_detail text',
    'a_created_at bigint',
  ].map((d) => d.split(' ') as [string, string]);
  const sets = SETTLED_COLUMNS.map(
    ({ column }) => `${column} = CASE WHEN v.set_${column} THEN v.${column} ELSE o.${column} END`,
  );
  return (
    `WITH v AS (SELECT * FROM unnest(${arrays.map(([, type]) => `?::${type}[]`).join(', ')})` +
    ` WITH ORDINALITY AS v(${arrays.map(([name]) => name).join(', ')}, ord)),` +
    ` settled AS (UPDATE outbox AS o SET ${sets.join(', ')}, lease_owner = NULL, lease_until = NULL` +
    ' FROM v WHERE o.id = v.id AND o.lease_owner = v.owner RETURNING o.id),' +
    ' recorded AS (INSERT INTO delivery_attempts (outbox_id, instance_id, outcome, http_status, detail, created_at)' +
    ' SELECT v.id, v.a_instance_id, v.a_outcome, v.a_http_status, v.a_detail, v.a_created_at' +
    ' FROM v JOIN settled ON settled.id = v.id ORDER BY v.ord)' +
    ' SELECT id FROM settled'
  );
})();

/** The parameters of `SETTLE_PG` for a batch: one array per column, in its order. */
function settleArrays(batch: readonly Settlement[]): unknown[][] {
  const column = <V>(pick: (s: Settlement) => V | undefined) => batch.map((s) => pick(s) ?? null);
  return [
    column((s) => s.id),
    column((s) => s.owner),
    ...SETTLED_COLUMNS.flatMap(({ property }) => [
      batch.map((s) => s.changes[property] !== undefined),
      column((s) => s.changes[property]),
    ]),
    column((s) => s.attempt.instanceId),
    column((s) => s.attempt.outcome),
    column((s) => s.attempt.httpStatus),
    column((s) => s.attempt.detail),
    column((s) => s.attempt.createdAt),
  ];
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

/** What a claim may take: as `PartnerFilter`, and whether entries still leased to the claimer too. */
export interface ClaimFilter extends PartnerFilter {
  /**
   * Default true: an entry leased to the claimer is one whose result could not be
   * written, when the claimer has no delivery in flight. False while it has some:
   * their entries are leased to it and must not be sent twice.
   */
  ownLeases?: boolean;
}

function partnerCondition(f: PartnerFilter): { sql: string; params: string[] } {
  const exclude = f.exclude ?? [];
  let sql = exclude.length ? ` AND partner_id NOT IN ${placeholders(exclude.length)}` : '';
  if (f.only !== undefined) sql += ' AND partner_id = ?';
  return { sql, params: [...exclude, ...(f.only !== undefined ? [f.only] : [])] };
}

/**
 * The payment's reference, read with a claimed row at delivery, not when the advice was
 * queued: a late answer may have brought it since.
 */
const PARTNER_REF = { payment_partner_ref: 'SELECT partner_ref FROM payments WHERE payments.id = outbox.payment_id' };

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
    partners: ClaimFilter = {},
  ): Promise<ClaimedEntry[]> {
    // Our own leases too unless told otherwise: a drain's first claim comes when none of its
    // deliveries is in flight, so a row still leased to us is one whose result could not be written.
    const filter = partnerCondition(partners);
    const own = partners.ownLeases !== false;
    const due =
      `status = 'PENDING' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?${own ? ' OR lease_owner = ?' : ''})` +
      filter.sql;
    const dueParams = [now, now, ...(own ? [owner] : []), ...filter.params, limit];
    const claimed = (rows: Array<{ row: OutboxEntry; extra: Record<'payment_partner_ref', unknown> }>) =>
      rows.map(({ row, extra }) => ({
        ...row,
        leaseOwner: owner,
        leaseUntil,
        partnerRef: typeof extra.payment_partner_ref === 'string' ? extra.payment_partner_ref : null,
      }));
    if (this.db.isPostgres) {
      // One statement, so one round trip where BEGIN, SELECT, UPDATE and COMMIT were four: the
      // claim is on the drain's critical path. The picked rows are locked (MATERIALIZED: the
      // pick runs once, whatever the plan) and skipped by other instances' claims until commit.
      const pick =
        `WITH picked AS MATERIALIZED (SELECT id FROM outbox WHERE ${due}` +
        ' ORDER BY next_attempt_at ASC LIMIT ? FOR UPDATE SKIP LOCKED)';
      return this.db.run(async (tx) => {
        const rows = await outbox.updateReturningWith(
          tx,
          pick,
          dueParams,
          { leaseOwner: owner, leaseUntil },
          'id IN (SELECT id FROM picked)',
          [],
          PARTNER_REF,
        );
        // RETURNING keeps no order: the oldest due go first, as they were picked.
        return claimed(rows).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt);
      });
    }
    return this.db.transaction(async (tx) => {
      const rows = await outbox.selectWith(tx, PARTNER_REF, due, dueParams, 'ORDER BY next_attempt_at ASC LIMIT ?');
      if (rows.length === 0) return [];
      const ids = rows.map(({ row }) => row.id);
      await outbox.update(tx, { leaseOwner: owner, leaseUntil }, `id IN ${placeholders(ids.length)}`, ids);
      return claimed(rows);
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
    changes: SettleChanges,
    attempt: Omit<DeliveryAttempt, 'seq'>,
  ): Promise<boolean> {
    return this.settlements.submit({ id: entry.id, owner, changes, attempt });
  }

  private async settleAll(batch: Settlement[]): Promise<boolean[]> {
    if (this.db.isPostgres) {
      const { rows } = await this.db.run((tx) => execute(tx, SETTLE_PG, settleArrays(batch)));
      const settled = new Set(rows.map((r) => String(r.id)));
      return batch.map((s) => settled.has(s.id));
    }
    // SQLite: a statement per row costs no round trip (prepared, in process).
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
