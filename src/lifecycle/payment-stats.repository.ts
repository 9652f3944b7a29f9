import { Injectable } from '@nestjs/common';
import type { OutboxStatus } from '@app/outbox/outbox-entry.entity';
import { Database, type Tx } from '@app/persistence/database';
import { execute, SqlTable } from '@app/persistence/sql-table';
import { Payment, UnknownReason } from './payment.entity';

const payments = new SqlTable(Payment);

/** What the partner's answer to a payment came to (its state once answered). */
export type PaymentOutcome = 'approved' | 'declined' | 'unknown';

/** Payments one partner answered in a window, by outcome. */
export interface PartnerVolume {
  partnerId: string;
  approved: number;
  declined: number;
  unknown: number;
  total: number;
}

/** The 50th and 99th percentile of a set of durations (ms), or null when the set is empty. */
export interface Quantiles {
  count: number;
  p50: number | null;
  p99: number | null;
}

/** How long one partner took, and how long the hub added around it, in a window. */
export interface PartnerLatency {
  partnerId: string;
  /** `partner_ms`: the partner call, up to the partner timeout. */
  partner: Quantiles;
  /** `answered_at − scanned_at − partner_ms`: the hub's own time between the scan and the recorded outcome. */
  hub: Quantiles;
}

/** Every payment figure of the dashboard for one window of `answered_at` ([from, to)). */
export interface WindowFigures {
  from: number;
  to: number;
  volume: PartnerVolume[];
  declinesByErrorType: Array<{ errorType: string; count: number }>;
  unknownByReason: Array<{ reason: UnknownReason | 'NOT_RECORDED'; count: number }>;
  latency: PartnerLatency[];
}

/** A payment whose late partner answer disagrees with what the retailer was told, and its timeout reversal. */
export interface LateDisagreement {
  payment: Payment;
  /** The status of the payment's REVERSAL advice to the partner, or null when none was queued. */
  reversal: OutboxStatus | null;
}

/** Where a page of the late-answer list continues: after this row (newest first). */
export interface LateCursor {
  updatedAt: number;
  id: string;
}

const OUTCOME_OF_STATE: Record<string, PaymentOutcome> = {
  APPROVED: 'approved',
  DECLINED: 'declined',
  UNKNOWN: 'unknown',
};

/**
 * The 0-based position of the `q` quantile (0 < q ≤ 1) in `count` values sorted
 * ascending, by the nearest-rank method: the smallest value with at least
 * q·count values at or below it. Null when there are no values.
 */
export function nearestRankOffset(count: number, q: number): number | null {
  if (!Number.isInteger(count) || count <= 0) return null;
  if (!(q > 0 && q <= 1)) throw new RangeError(`quantile ${q} is not in (0, 1]`);
  // The epsilon keeps 0.99 × 100 (99.00000000000001 in floating point) at rank 99.
  const rank = Math.ceil(q * count - 1e-9);
  return Math.min(count, Math.max(1, rank)) - 1;
}

/** The nearest-rank `q` quantile of `values` (any order), or null when empty: what the SQL computes. */
export function quantile(values: readonly number[], q: number): number | null {
  const offset = nearestRankOffset(values.length, q);
  if (offset === null) return null;
  return [...values].sort((a, b) => a - b)[offset];
}

/**
 * Payment figures read from the shared database, so that every hub instance
 * reports the same: the dashboard's window figures and the late partner
 * answers that disagree with the retailer's outcome (docs/protocol.md §5.5).
 * The console and the Prometheus gauges read the same queries here, so their
 * numbers agree.
 */
@Injectable()
export class PaymentStats {
  constructor(private readonly db: Database) {}

  /** Payments answered in [from, to) (`idx_payments_answered_at`). */
  window(from: number, to: number): Promise<WindowFigures> {
    const range = 'answered_at >= ? AND answered_at < ?';
    // The window is what narrows the rows: the state and partner terms are kept off their indexes.
    const state = byValue('state');
    return this.db.run(async (tx) => {
      const volumeRows = await execute(
        tx,
        `SELECT partner_id, state, COUNT(*) AS n FROM payments
          WHERE ${range} AND ${state} IN ('APPROVED', 'DECLINED', 'UNKNOWN')
          GROUP BY partner_id, state`,
        [from, to],
      );
      const byPartner = new Map<string, PartnerVolume>();
      for (const r of volumeRows.rows) {
        const partnerId = r.partner_id === null || r.partner_id === undefined ? '' : String(r.partner_id);
        const v = byPartner.get(partnerId) ?? { partnerId, approved: 0, declined: 0, unknown: 0, total: 0 };
        const n = Number(r.n);
        v[OUTCOME_OF_STATE[String(r.state)]] += n;
        v.total += n;
        byPartner.set(partnerId, v);
      }
      const volume = [...byPartner.values()].sort((a, b) => a.partnerId.localeCompare(b.partnerId));

      const errorType = this.jsonText('error', 'errorType');
      const declineRows = await execute(
        tx,
        `SELECT ${errorType} AS error_type, COUNT(*) AS n FROM payments
          WHERE ${range} AND ${state} = 'DECLINED' GROUP BY ${errorType}`,
        [from, to],
      );
      const declinesByErrorType = declineRows.rows
        .map((r) => ({
          errorType: typeof r.error_type === 'string' ? r.error_type : 'NOT_RECORDED',
          count: Number(r.n),
        }))
        .sort(byCountThenName((d) => d.errorType));

      const unknownRows = await execute(
        tx,
        `SELECT unknown_reason, COUNT(*) AS n FROM payments
          WHERE ${range} AND ${state} = 'UNKNOWN' GROUP BY unknown_reason`,
        [from, to],
      );
      const unknownByReason = unknownRows.rows
        .map((r) => ({
          reason: (typeof r.unknown_reason === 'string' ? r.unknown_reason : 'NOT_RECORDED') as
            UnknownReason | 'NOT_RECORDED',
          count: Number(r.n),
        }))
        .sort(byCountThenName((u) => u.reason));

      const latency: PartnerLatency[] = [];
      for (const { partnerId } of volume) {
        if (!partnerId) continue;
        const partner = await this.quantiles(tx, 'partner_ms', 'partner_ms IS NOT NULL', partnerId, from, to);
        const hub = await this.quantiles(
          tx,
          'answered_at - scanned_at - partner_ms',
          'partner_ms IS NOT NULL AND scanned_at IS NOT NULL',
          partnerId,
          from,
          to,
        );
        latency.push({ partnerId, partner, hub });
      }
      return { from, to, volume, declinesByErrorType, unknownByReason, latency };
    });
  }

  /**
   * Payments whose late partner answer disagrees with the retailer's outcome,
   * newest first (`idx_payments_late_answers`), `limit` after `after`.
   */
  lateDisagreements(limit: number, after: LateCursor | null = null): Promise<LateDisagreement[]> {
    const keyset = after ? ' AND (updated_at < ? OR (updated_at = ? AND id < ?))' : '';
    const params = after ? [after.updatedAt, after.updatedAt, after.id, limit] : [limit];
    return this.db.run(async (tx) => {
      const rows = await payments.selectWith(
        tx,
        { reversal_status: "SELECT o.status FROM outbox o WHERE o.payment_id = payments.id AND o.kind = 'REVERSAL'" },
        `late_response IS NOT NULL AND ${this.disagrees()}${keyset}`,
        params,
        'ORDER BY updated_at DESC, id DESC LIMIT ?',
      );
      return rows.map(({ row, extra }) => ({
        payment: row,
        reversal: typeof extra.reversal_status === 'string' ? (extra.reversal_status as OutboxStatus) : null,
      }));
    });
  }

  /** How many late answers disagree (the list's length; the `qrhub_late_answers_disagreeing` gauge). */
  lateDisagreementCount(): Promise<number> {
    return this.db.run(async (tx) => {
      const { rows } = await execute(
        tx,
        `SELECT COUNT(*) AS n FROM payments WHERE late_response IS NOT NULL AND ${this.disagrees()}`,
        [],
      );
      return Number(rows[0]?.n ?? 0);
    });
  }

  /**
   * The rule (docs/console/reconciliation.md): the retailer was told the
   * payment failed (any state but APPROVED) and the partner approved late
   * (2xx); or the retailer was told it was approved and the partner declined
   * late (4xx). A late answer that agrees, or decides nothing (5xx), is not listed.
   */
  private disagrees(): string {
    const status = `CAST(${this.jsonText('late_response', 'status')} AS INTEGER)`;
    return `((state <> 'APPROVED' AND ${status} BETWEEN 200 AND 299) OR (state = 'APPROVED' AND ${status} BETWEEN 400 AND 499))`;
  }

  /** A top-level field of a JSON text column, as text: the one expression the two databases write differently. */
  private jsonText(column: 'error' | 'late_response', field: 'errorType' | 'status'): string {
    return this.db.isPostgres ? `(CAST(${column} AS json) ->> '${field}')` : `json_extract(${column}, '$.${field}')`;
  }

  /** p50 and p99 of `expr` over one partner's answered payments in the window: a count, then one row at each rank. */
  private async quantiles(
    tx: Tx,
    expr: string,
    present: string,
    partnerId: string,
    from: number,
    to: number,
  ): Promise<Quantiles> {
    const where = `answered_at >= ? AND answered_at < ? AND ${byValue('partner_id')} = ? AND ${present}`;
    const params = [from, to, partnerId];
    const counted = await execute(tx, `SELECT COUNT(*) AS n FROM payments WHERE ${where}`, params);
    const count = Number(counted.rows[0]?.n ?? 0);
    const at = async (q: number): Promise<number | null> => {
      const offset = nearestRankOffset(count, q);
      if (offset === null) return null;
      const { rows } = await execute(
        tx,
        `SELECT ${expr} AS v FROM payments WHERE ${where} ORDER BY v ASC LIMIT 1 OFFSET ?`,
        [...params, offset],
      );
      return rows[0] ? Number(rows[0].v) : null;
    };
    return { count, p50: await at(0.5), p99: await at(0.99) };
  }
}

function byCountThenName<T extends { count: number }>(name: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => b.count - a.count || name(a).localeCompare(name(b));
}

/**
 * A text column compared by value only, never through one of its indexes. SQLite
 * without statistics (the hub does not ANALYZE) takes an equality on an indexed
 * column for the narrowest term, and would read every DECLINED payment ever
 * stored (or every payment of a partner) to count one hour's: appending '' keeps
 * the value and makes the term unindexable on both stores, so the time window's
 * index is used. On a million payments this took the dashboard from seconds to
 * milliseconds (docs/benchmarks.md).
 */
function byValue(column: 'state' | 'partner_id'): string {
  return `(${column} || '')`;
}
