import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Database, type Tx } from '@app/persistence/database';
import { execute, placeholders, SqlTable } from '@app/persistence/sql-table';
import { Payment, PaymentState } from './payment.entity';

/** States in which a payment still holds its QR code (one at a time per tranId). */
export const ACTIVE_STATES: PaymentState[] = ['WAITING_SCAN', 'SENDING'];

const payments = new SqlTable(Payment);

/** First key of the held-count advisory lock ("QRHB"): keeps it apart from any other advisory lock. */
const HELD_COUNT_LOCK_CLASS = 0x51524842;

/** A stable signed 32-bit hash of `text` (the first four bytes of its SHA-256). */
function int32Hash(text: string): number {
  return createHash('sha256').update(text).digest().readInt32BE(0);
}

/**
 * Storage of payments; state changes are conditional so racing writers cannot
 * both win. Plain bound SQL (see `SqlTable`): these run several times per payment.
 */
@Injectable()
export class PaymentsRepository {
  constructor(private readonly db: Database) {}

  insert(tx: Tx, payment: Payment): Promise<void> {
    return payments.insert(tx, payment);
  }

  find(id: string, tx?: Tx): Promise<Payment | null> {
    const find = (m: Tx) => payments.one(m, 'id = ?', [id]);
    return tx ? find(tx) : this.db.run(find);
  }

  /**
   * Serialises, until this transaction ends, every admission of one retailer's
   * held payment on every instance, so its count and insert happen as one
   * step (PostgreSQL: a transaction-scoped advisory lock; on SQLite every
   * transaction already runs alone). The key is the lock class and a hash of
   * the client id computed here, not by a server function: two retailers whose
   * hashes collide merely take turns.
   */
  async lockHeldCount(tx: Tx, clientId: string): Promise<void> {
    if (!this.db.isPostgres) return;
    await execute(tx, 'SELECT pg_advisory_xact_lock(?, ?)', [HELD_COUNT_LOCK_CLASS, int32Hash(clientId)]);
  }

  /**
   * Payments of one retailer waiting for their scan, on every instance (the
   * database is shared), counted up to `atMost`. Exact when called after
   * `lockHeldCount` in the same transaction.
   */
  heldFor(tx: Tx, clientId: string, atMost: number): Promise<number> {
    return payments.count(tx, "client_id = ? AND state = 'WAITING_SCAN'", [clientId], atMost);
  }

  /** The most recent payment against a QR code. */
  latestForTranId(tx: Tx, tranId: string): Promise<Payment | null> {
    return payments.one(tx, 'tran_id = ?', [tranId], 'ORDER BY created_at DESC');
  }

  /**
   * Applies `changes` to the payment only if it still matches `where` (its
   * lifecycle phases, see payment-states.ts); returns whether this caller won.
   */
  async move(tx: Tx, id: string, where: string, changes: Partial<Payment>): Promise<boolean> {
    return (await payments.update(tx, changes, `id = ? AND ${where}`, [id])) > 0;
  }

  /**
   * As `move`, returning whether a reversal was requested as the row stands
   * after this update (null when another writer won).
   */
  async moveReadingReversal(
    tx: Tx,
    id: string,
    where: string,
    changes: Partial<Payment>,
  ): Promise<{ reversalRequested: boolean } | null> {
    const rows = await payments.updateReturning(tx, changes, `id = ? AND ${where}`, [id], ['reversalRequested']);
    return rows[0] ?? null;
  }

  /**
   * The retailer's reversal accepted while the payment was in flight: its id
   * and reason (read from the advices table by SQL, as the outbox reads payments).
   */
  async acceptedReversal(tx: Tx, paymentId: string): Promise<{ id: string; reason: string | null } | null> {
    const sql =
      "SELECT id, body FROM advices WHERE payment_id = ? AND kind = 'REVERSAL' AND answer_status = 202 ORDER BY created_at LIMIT 1";
    const { rows } = await execute(tx, sql, [paymentId]);
    const row = rows[0] as { id: string; body: unknown } | undefined;
    if (!row) return null;
    const body = (typeof row.body === 'string' ? JSON.parse(row.body) : row.body) as {
      reversalReason?: unknown;
    } | null;
    return { id: row.id, reason: typeof body?.reversalReason === 'string' ? body.reversalReason : null };
  }

  /** Within a scan's transaction on PostgreSQL: tells every instance the payment was claimed (see ScanSignal). */
  async notifyClaimed(tx: Tx, channel: string, paymentId: string): Promise<void> {
    if (this.db.isPostgres) await execute(tx, 'SELECT pg_notify(?, ?)', [channel, paymentId]);
  }

  /** Of these payment ids, the ones no longer waiting for their scan. */
  async noLongerWaiting(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const sql = `SELECT id FROM payments WHERE id IN ${placeholders(ids.length)} AND state <> 'WAITING_SCAN'`;
    const { rows } = await this.db.run((tx) => execute(tx, sql, ids));
    return rows.map((r) => String(r.id));
  }

  async update(tx: Tx, id: string, changes: Partial<Payment>): Promise<void> {
    await payments.update(tx, changes, 'id = ?', [id]);
  }

  /** Payments still held (waiting or in flight) by instances other than the living ones (docs/protocol.md §10). */
  heldByOthers(aliveIds: string[], states: PaymentState[]): Promise<Payment[]> {
    const others = aliveIds.length ? ` AND instance_id NOT IN ${placeholders(aliveIds.length)}` : '';
    const where = `state IN ${placeholders(states.length)}${others}`;
    return this.db.run((tx) => payments.select(tx, where, [...states, ...aliveIds]));
  }
}
