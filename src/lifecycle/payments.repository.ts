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
 * Reads of payments, for anyone. Writes are `PaymentWrites`, which only the
 * payment lifecycle may use (.dependency-cruiser.cjs). Plain bound SQL (see
 * `SqlTable`): these run several times per payment.
 */
@Injectable()
export class PaymentsRepository {
  constructor(private readonly db: Database) {}

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

  /** Of these payment ids, the ones no longer waiting for their scan. */
  async noLongerWaiting(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const sql = `SELECT id FROM payments WHERE id IN ${placeholders(ids.length)} AND state <> 'WAITING_SCAN'`;
    const { rows } = await this.db.run((tx) => execute(tx, sql, ids));
    return rows.map((r) => String(r.id));
  }

  /** Payments still held (waiting or in flight) by instances other than the living ones (docs/protocol.md §10). */
  heldByOthers(aliveIds: string[], states: PaymentState[]): Promise<Payment[]> {
    const others = aliveIds.length ? ` AND instance_id NOT IN ${placeholders(aliveIds.length)}` : '';
    const where = `state IN ${placeholders(states.length)}${others}`;
    return this.db.run((tx) => payments.select(tx, where, [...states, ...aliveIds]));
  }
}
