import { Injectable } from '@nestjs/common';
import { Database } from '@app/persistence/database';
import { execute } from '@app/persistence/sql-table';

/** The partner, retailer and currency a figure belongs to. */
export interface CellKey {
  partnerId: string | null;
  clientId: string;
  currency: string;
}

/** The day's figures of one (partner, retailer, currency) cell, amounts in minor units. */
export interface SettlementCell extends CellKey {
  approvedCount: number;
  approvedAmount: number;
  confirmedCount: number;
  confirmedAmount: number;
  reversedCount: number;
  reversedAmount: number;
  timeoutCount: number;
  timeoutAmount: number;
  advicesPending: number;
  advicesParked: number;
}

const APPROVED_SQL = `SELECT partner_id, client_id, currency, COUNT(*) AS n, SUM(COALESCE(approved_amount, amount)) AS total
FROM payments WHERE approved_at >= ? AND approved_at < ?
GROUP BY partner_id, client_id, currency`;

// A payment settles once: confirmed or reversed after its approval, or reversed by the hub when its outcome was unknown.
// The day is what narrows the rows: state and settlement are compared by value (`|| ''`), off their indexes, or
// SQLite without statistics reads every UNKNOWN and CONFIRMED payment ever stored (docs/benchmarks.md).
const SETTLED_SQL = `SELECT partner_id, client_id, currency, state, settlement, COUNT(*) AS n,
SUM(COALESCE(approved_amount, amount)) AS approved_total, SUM(amount) AS requested_total
FROM payments WHERE settled_at >= ? AND settled_at < ?
AND ((state || '') = 'UNKNOWN' OR ((state || '') = 'APPROVED' AND (settlement || '') IN ('CONFIRMED', 'REVERSED')))
GROUP BY partner_id, client_id, currency, state, settlement`;

// The advice a settlement queued counts in the day of that settlement (its payment's settled_at).
const ADVICES_SQL = `SELECT p.partner_id, p.client_id, p.currency, o.status, COUNT(*) AS n
FROM outbox o JOIN payments p ON p.id = o.payment_id
WHERE p.settled_at >= ? AND p.settled_at < ? AND o.status IN ('PENDING', 'PARKED')
GROUP BY p.partner_id, p.client_id, p.currency, o.status`;

/**
 * The settlement report's sums (docs/console/settlement.md): three grouped
 * statements over one business day [fromMs, toMs), served by the indexes on
 * approved_at and settled_at. Sums are computed by the database in integers
 * (bigint on PostgreSQL, which returns them as text) and read back exactly.
 */
@Injectable()
export class SettlementRepository {
  constructor(private readonly db: Database) {}

  cells(fromMs: number, toMs: number): Promise<SettlementCell[]> {
    return this.db.run(async (tx) => {
      const cells = new Map<string, SettlementCell>();
      const cell = (row: Record<string, unknown>): SettlementCell => {
        const key: CellKey = {
          partnerId: row.partner_id === null ? null : String(row.partner_id),
          clientId: String(row.client_id),
          currency: String(row.currency),
        };
        const id = JSON.stringify([key.partnerId, key.clientId, key.currency]);
        let found = cells.get(id);
        if (!found) {
          found = { ...key, ...EMPTY_FIGURES };
          cells.set(id, found);
        }
        return found;
      };
      const params = [fromMs, toMs];
      for (const row of (await execute(tx, APPROVED_SQL, params)).rows) {
        const c = cell(row);
        c.approvedCount += integer(row.n);
        c.approvedAmount += integer(row.total);
      }
      for (const row of (await execute(tx, SETTLED_SQL, params)).rows) {
        const c = cell(row);
        if (row.state === 'UNKNOWN') {
          c.timeoutCount += integer(row.n);
          c.timeoutAmount += integer(row.requested_total);
        } else if (row.settlement === 'CONFIRMED') {
          c.confirmedCount += integer(row.n);
          c.confirmedAmount += integer(row.approved_total);
        } else {
          c.reversedCount += integer(row.n);
          c.reversedAmount += integer(row.approved_total);
        }
      }
      for (const row of (await execute(tx, ADVICES_SQL, params)).rows) {
        const c = cell(row);
        if (row.status === 'PENDING') c.advicesPending += integer(row.n);
        else c.advicesParked += integer(row.n);
      }
      return [...cells.values()];
    });
  }
}

const EMPTY_FIGURES = {
  approvedCount: 0,
  approvedAmount: 0,
  confirmedCount: 0,
  confirmedAmount: 0,
  reversedCount: 0,
  reversedAmount: 0,
  timeoutCount: 0,
  timeoutAmount: 0,
  advicesPending: 0,
  advicesParked: 0,
} as const;

/** A COUNT or SUM as the driver returns it (a number on SQLite, text for bigint/numeric on PostgreSQL). */
function integer(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(String(value));
  if (!Number.isSafeInteger(n)) throw new Error(`settlement sum out of range: ${String(value)}`);
  return n;
}
