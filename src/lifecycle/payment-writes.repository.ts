import { Injectable } from '@nestjs/common';
import { Database, type Tx } from '@app/persistence/database';
import { execute, SqlTable } from '@app/persistence/sql-table';
import { Payment } from './payment.entity';

const payments = new SqlTable(Payment);

/**
 * Every write to the payments table. Only `PaymentLifecycle` uses it (a
 * dependency rule keeps it inside src/lifecycle/): state changes are
 * conditional updates, so racing writers cannot both win.
 */
@Injectable()
export class PaymentWrites {
  constructor(private readonly db: Database) {}

  insert(tx: Tx, payment: Payment): Promise<void> {
    return payments.insert(tx, payment);
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

  async update(tx: Tx, id: string, changes: Partial<Payment>): Promise<void> {
    await payments.update(tx, changes, 'id = ?', [id]);
  }
}
