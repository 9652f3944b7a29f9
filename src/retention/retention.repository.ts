import { Injectable } from '@nestjs/common';
import { Database, type Tx } from '@app/persistence/database';
import { execute, placeholders } from '@app/persistence/sql-table';

/** The kinds of record the retention policy keeps for a time, as named in metrics and the admin API. */
export const RETENTION_KINDS = ['payments', 'scans', 'advices', 'qr_codes', 'audit', 'instances'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** Rows a purge deletes, by table (outbox rows and delivery attempts go with their payment). */
export type Deleted = Partial<Record<RetentionKind | 'outbox' | 'delivery_attempts', number>>;

/** Where a walk over one table, oldest first, has got to. */
export interface Cursor {
  createdAt: number;
  key: string;
}

/** One batch: what it deleted, and where the next starts (null: the walk is done). */
export interface Batch {
  deleted: Deleted;
  next: Cursor | null;
}

/*
 * "Final" is spelled out here once. A payment is final in these states; its
 * outbox rows once delivered or resolved by an operator (pending and parked
 * rows are work still owed to a partner).
 */
const FINAL_PAYMENT = "('APPROVED', 'DECLINED', 'UNKNOWN', 'NO_SCAN', 'CLOSED')";
const FINAL_OUTBOX = "('DELIVERED', 'RESOLVED')";

/**
 * The purge's statements (docs/decisions.md, "Retention"). Each batch is one
 * short transaction over at most `limit` rows found by a keyset walk on
 * (created_at, primary key), so rows kept on purpose (a parked advice's
 * payment) are passed once per run, not read again by every batch. Every
 * DELETE repeats its conditions, so a purge racing another instance's purge,
 * or a request that changes a row meanwhile, deletes nothing it should not.
 */
@Injectable()
export class RetentionRepository {
  constructor(private readonly db: Database) {}

  /**
   * Finished payments last changed before `cutoff` whose scans, advices and
   * outbox rows are all final and older too — deleted together with them.
   */
  payments(cutoff: number, cursor: Cursor | null, limit: number): Promise<Batch> {
    return this.db.transaction(async (tx) => {
      const { keys, next } = await walk(tx, 'payments', 'id', cutoff, cursor, limit);
      if (keys.length === 0) return { deleted: {}, next };
      // On PostgreSQL the chosen rows are locked: a request changing one of
      // them now (a late confirmation) waits for this transaction, then finds
      // no payment; a row a request already holds is skipped until next run.
      const lock = this.db.isPostgres ? ' FOR UPDATE SKIP LOCKED' : '';
      const { rows } = await execute(
        tx,
        `SELECT p.id FROM payments p WHERE p.id IN ${placeholders(keys.length)}
           AND p.state IN ${FINAL_PAYMENT} AND p.updated_at < ?
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.payment_id = p.id
                           AND (o.status NOT IN ${FINAL_OUTBOX} OR o.updated_at >= ?))
           AND NOT EXISTS (SELECT 1 FROM advices a WHERE a.payment_id = p.id AND a.created_at >= ?)
           AND NOT EXISTS (SELECT 1 FROM scans s WHERE s.payment_id = p.id AND s.created_at >= ?)${lock}`,
        [...keys, cutoff, cutoff, cutoff, cutoff],
      );
      const ids = rows.map((r) => String(r.id));
      if (ids.length === 0) return { deleted: {}, next };
      const among = placeholders(ids.length);
      const del = async (sql: string) => (await execute(tx, sql, ids)).affected;
      const deleted: Deleted = {
        delivery_attempts: await del(
          `DELETE FROM delivery_attempts WHERE outbox_id IN (SELECT id FROM outbox WHERE payment_id IN ${among})`,
        ),
        outbox: await del(`DELETE FROM outbox WHERE payment_id IN ${among}`),
        advices: await del(`DELETE FROM advices WHERE payment_id IN ${among}`),
        scans: await del(`DELETE FROM scans WHERE payment_id IN ${among}`),
        payments: await del(`DELETE FROM payments WHERE id IN ${among}`),
      };
      return { deleted, next };
    });
  }

  /** Scans older than `cutoff` that name no kept payment (declined, expired early scans). */
  scans(cutoff: number, cursor: Cursor | null, limit: number): Promise<Batch> {
    return this.unlinked('scans', cutoff, cursor, limit);
  }

  /** Advices older than `cutoff` that name no kept payment (remembered reversals of unknown requests). */
  advices(cutoff: number, cursor: Cursor | null, limit: number): Promise<Batch> {
    return this.unlinked('advices', cutoff, cursor, limit);
  }

  /** QR codes expired before `cutoff` that no kept payment or scan names. */
  qrCodes(cutoff: number, cursor: Cursor | null, limit: number): Promise<Batch> {
    return this.db.transaction(async (tx) => {
      const { keys, next } = await walk(tx, 'qr_codes', 'tran_id', cutoff, cursor, limit);
      if (keys.length === 0) return { deleted: {}, next };
      const { affected } = await execute(
        tx,
        `DELETE FROM qr_codes WHERE tran_id IN ${placeholders(keys.length)} AND expires_at < ?
           AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.tran_id = qr_codes.tran_id)
           AND NOT EXISTS (SELECT 1 FROM scans s WHERE s.tran_id = qr_codes.tran_id)`,
        [...keys, cutoff],
      );
      return { deleted: { qr_codes: affected }, next };
    });
  }

  /**
   * Up to `limit` audit rows written before `cutoff`, oldest first; nothing
   * refers to them. The rows of a transaction whose payment is unfinished or
   * still owes its partner an advice (pending, parked) stay with it: an
   * operator resolving that advice needs its whole timeline.
   */
  async audit(cutoff: number, limit: number): Promise<number> {
    const { affected } = await this.db.transaction((tx) =>
      execute(
        tx,
        `DELETE FROM audit_messages WHERE seq IN
           (SELECT a.seq FROM audit_messages a WHERE a.created_at < ?
              AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.tran_id = a.tran_id
                AND (p.state NOT IN ${FINAL_PAYMENT}
                     OR EXISTS (SELECT 1 FROM outbox o WHERE o.payment_id = p.id AND o.status NOT IN ${FINAL_OUTBOX})))
            ORDER BY a.created_at, a.seq LIMIT ?)`,
        [cutoff, limit],
      ),
    );
    return affected;
  }

  /**
   * Rows of other instances stopped (or silent, after a crash) before
   * `cutoff`, unless a payment they held is still unfinished or they lease
   * an advice still owed.
   */
  async instances(cutoff: number, self: string, limit: number): Promise<number> {
    const { affected } = await this.db.transaction((tx) =>
      execute(
        tx,
        `DELETE FROM hub_instances WHERE id IN
           (SELECT h.id FROM hub_instances h WHERE h.id <> ? AND COALESCE(h.stopped_at, h.heartbeat_at) < ?
              AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.instance_id = h.id AND p.state IN ('WAITING_SCAN', 'SENDING'))
              AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.lease_owner = h.id AND o.status = 'PENDING')
            LIMIT ?)`,
        [self, cutoff, limit],
      ),
    );
    return affected;
  }

  /** When the oldest record of each kind still kept was made (epoch ms), null for none. */
  async oldest(): Promise<Record<RetentionKind, number | null>> {
    const first = (table: string, column = 'created_at') =>
      `(SELECT ${column} FROM ${table} ORDER BY ${column} LIMIT 1)`;
    const { rows } = await this.db.run((tx) =>
      execute(
        tx,
        `SELECT ${first('payments')} AS payments, ${first('scans')} AS scans, ${first('advices')} AS advices,
                ${first('qr_codes')} AS qr_codes, ${first('audit_messages')} AS audit,
                ${first('hub_instances', 'started_at')} AS instances`,
        [],
      ),
    );
    const row = rows[0] ?? {};
    const value = (kind: RetentionKind) => (row[kind] === null || row[kind] === undefined ? null : Number(row[kind]));
    return Object.fromEntries(RETENTION_KINDS.map((k) => [k, value(k)])) as Record<RetentionKind, number | null>;
  }

  /** Rows older than `cutoff` whose payment_id is empty or names a payment no longer kept. */
  private unlinked(table: 'scans' | 'advices', cutoff: number, cursor: Cursor | null, limit: number): Promise<Batch> {
    return this.db.transaction(async (tx) => {
      const { keys, next } = await walk(tx, table, 'id', cutoff, cursor, limit);
      if (keys.length === 0) return { deleted: {}, next };
      const { affected } = await execute(
        tx,
        `DELETE FROM ${table} WHERE id IN ${placeholders(keys.length)}
           AND (payment_id IS NULL OR NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = ${table}.payment_id))`,
        keys,
      );
      return { deleted: { [table]: affected }, next };
    });
  }
}

/**
 * The next `limit` rows of `table` made before `cutoff`, after `cursor`, in
 * (created_at, key) order — the order of the table's created_at index.
 */
async function walk(
  tx: Tx,
  table: string,
  key: string,
  cutoff: number,
  cursor: Cursor | null,
  limit: number,
): Promise<{ keys: string[]; next: Cursor | null }> {
  const after = cursor ? ` AND (created_at, ${key}) > (?, ?)` : '';
  const params = cursor ? [cutoff, cursor.createdAt, cursor.key, limit] : [cutoff, limit];
  const { rows } = await execute(
    tx,
    `SELECT ${key} AS k, created_at AS t FROM ${table} WHERE created_at < ?${after} ORDER BY created_at, ${key} LIMIT ?`,
    params,
  );
  const keys = rows.map((r) => String(r.k));
  const last = rows[rows.length - 1];
  const next = rows.length < limit || !last ? null : { createdAt: Number(last.t), key: String(last.k) };
  return { keys, next };
}
