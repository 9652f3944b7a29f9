import { Injectable } from '@nestjs/common';
import { Advice } from '@app/advices/advice.entity';
import { DeliveryAttempt } from '@app/outbox/delivery-attempt.entity';
import { OutboxEntry } from '@app/outbox/outbox-entry.entity';
import { AuditMessage } from '@app/audit/audit-message.entity';
import { Database, type Tx } from '@app/persistence/database';
import { execute, placeholders, SqlTable } from '@app/persistence/sql-table';
import { Payment } from '@app/lifecycle/payment.entity';
import { QrCode } from '@app/qr-codes/qr-code.entity';
import { Scan } from '@app/scans/scan.entity';
import { MatchKind } from './admin-views';
import { TransactionRecords } from './timeline';
import { payOperation } from '@app/payments/pay.operation';
import { phasePredicate } from '@app/lifecycle/payment-states';
import type { OutboxStatus } from '@app/outbox/outbox-entry.entity';
import type { PaymentFilter } from './transactions/payment-query';

const qrCodes = new SqlTable(QrCode);
const payments = new SqlTable(Payment);
const scans = new SqlTable(Scan);
const advices = new SqlTable(Advice);
const outbox = new SqlTable(OutboxEntry);
const attempts = new SqlTable(DeliveryAttempt);
const auditMessages = new SqlTable(AuditMessage);

/**
 * A tranId's inbound audit rows are a few dozen; the cap keeps a caller who
 * repeats its own messages from flooding the page. The hub's own rows are
 * never capped (see `records`).
 */
const INBOUND_AUDIT_ROWS_MAX = 500;
const PARKED_ROWS_MAX = 200;

/** What changing a parked advice found: the entry as changed, or why it could not be. */
export type ParkedChange = { kind: 'changed'; entry: OutboxEntry } | { kind: 'missing' } | { kind: 'not-parked' };

/**
 * Read-side queries of the operator console across every aggregate, and the
 * two operator writes on the outbox. Reads go through `Database.run`, so on
 * SQLite they queue behind the hub's own units of work and see committed rows.
 */
@Injectable()
export class AdminRepository {
  constructor(private readonly db: Database) {}

  /** The tranId an id of any kind belongs to, trying the cheapest, most likely matches first. */
  locate(q: string): Promise<{ tranId: string; matchedBy: MatchKind } | null> {
    return this.db.run(async (tx) => {
      if (await qrCodes.exists(tx, 'tran_id = ?', [q])) return { tranId: q, matchedBy: 'tranId' };
      const qr = await tranIdOf(tx, 'SELECT tran_id FROM qr_codes WHERE request_id = ? LIMIT 1', [q]);
      if (qr) return { tranId: qr, matchedBy: 'qrRequestId' };
      const payment = await execute(tx, 'SELECT tran_id, id FROM payments WHERE id = ? OR upstream_id = ? LIMIT 1', [
        q,
        q,
      ]);
      const paid = payment.rows[0] as { tran_id: string; id: string } | undefined;
      if (paid) return { tranId: paid.tran_id, matchedBy: paid.id === q ? 'paymentId' : 'upstreamId' };
      const scan = await tranIdOf(tx, 'SELECT tran_id FROM scans WHERE id = ? LIMIT 1', [q]);
      if (scan) return { tranId: scan, matchedBy: 'scanId' };
      const advice = await advices.one(tx, 'id = ?', [q]);
      const adviceTranId = advice && (await this.adviceTranId(tx, advice));
      if (adviceTranId) return { tranId: adviceTranId, matchedBy: 'adviceId' };
      const entryPayment = await tranIdOf(
        tx,
        'SELECT p.tran_id FROM outbox o JOIN payments p ON p.id = o.payment_id WHERE o.id = ? LIMIT 1',
        [q],
      );
      if (entryPayment) return { tranId: entryPayment, matchedBy: 'outboxId' };
      // A refused message left only its audit row; a scan for an unknown code only its scan row.
      const audited = await tranIdOf(
        tx,
        'SELECT tran_id FROM audit_messages WHERE (message_id = ? OR tran_id = ?) AND tran_id IS NOT NULL ORDER BY seq ASC LIMIT 1',
        [q, q],
      );
      if (audited) return { tranId: audited, matchedBy: audited === q ? 'tranId' : 'messageId' };
      return (await scans.exists(tx, 'tran_id = ?', [q])) ? { tranId: q, matchedBy: 'tranId' } : null;
    });
  }

  /**
   * One page of the transaction list, newest first (created_at DESC, id DESC),
   * after the cursor: `limit + 1` rows, so the caller knows whether there is
   * more (a `newer` cursor: the rows just newer than it, oldest first). Each
   * filter is one indexed column beside created_at (the composite indexes `(state|partner_id|client_id|terminal_id, created_at, id)`), so
   * the database walks one index backwards and stops at the page's end; the
   * row comparison `(created_at, id) < (?, ?)` is the keyset, never an OFFSET.
   * `tranId` (a located search) narrows to that transaction's few payments.
   */
  listPayments(f: PaymentFilter, tranId: string | null): Promise<Payment[]> {
    const { where, params, tail } = paymentListQuery(f, tranId);
    return this.db.run((tx) => payments.select(tx, where, params, tail));
  }

  /**
   * The status of each payment's latest advice owed to its partner (the
   * reversal after a confirmation, say), in one query for a page of payments.
   */
  latestAdvices(paymentIds: readonly string[]): Promise<Map<string, OutboxStatus>> {
    if (!paymentIds.length) return Promise.resolve(new Map());
    return this.db.run(async (tx) => {
      const { rows } = await execute(
        tx,
        `SELECT payment_id, status, created_at FROM outbox WHERE payment_id IN ${placeholders(paymentIds.length)}`,
        paymentIds,
      );
      const latest = new Map<string, { status: OutboxStatus; at: number }>();
      for (const row of rows) {
        const id = String(row.payment_id);
        const at = Number(row.created_at);
        const seen = latest.get(id);
        if (!seen || at >= seen.at) latest.set(id, { status: row.status as OutboxStatus, at });
      }
      return new Map([...latest].map(([id, v]) => [id, v.status]));
    });
  }

  /** Every record of one tranId: the timeline's raw material. */
  records(tranId: string): Promise<TransactionRecords> {
    return this.db.run(async (tx) => {
      const qrCode = await qrCodes.one(tx, 'tran_id = ?', [tranId]);
      const paymentRows = await payments.select(tx, 'tran_id = ?', [tranId], 'ORDER BY created_at ASC');
      const scanRows = await scans.select(tx, 'tran_id = ?', [tranId], 'ORDER BY created_at ASC');
      const paymentIds = paymentRows.map((p) => p.id);
      const inList = (ids: string[]) => `IN ${placeholders(ids.length)}`;
      // An advice names its payment by requestId (indexed); payment_id is not, and is the same id.
      const adviceRows = paymentIds.length
        ? await advices.select(tx, `request_id ${inList(paymentIds)}`, paymentIds, 'ORDER BY created_at ASC')
        : [];
      const outboxRows = paymentIds.length
        ? await outbox.select(tx, `payment_id ${inList(paymentIds)}`, paymentIds, 'ORDER BY created_at ASC')
        : [];
      const outboxIds = outboxRows.map((o) => o.id);
      const attemptRows = outboxIds.length
        ? await attempts.select(tx, `outbox_id ${inList(outboxIds)}`, outboxIds, 'ORDER BY seq ASC')
        : [];
      const audit = await this.auditOf(
        tx,
        tranId,
        [
          ...paymentIds,
          ...paymentRows.flatMap((p) => (p.upstreamId ? [p.upstreamId] : [])),
          ...adviceRows.map((a) => a.id),
          ...outboxIds,
          ...scanRows.map((s) => s.id),
          ...(qrCode ? [qrCode.requestId] : []),
        ],
        paymentIds,
      );
      return {
        qrCode,
        payments: paymentRows,
        scans: scanRows,
        advices: adviceRows,
        outbox: outboxRows,
        attempts: attemptRows,
        audit,
      };
    });
  }

  /** Advices parked for an operator, oldest first. */
  parked(): Promise<OutboxEntry[]> {
    return this.db.run((tx) =>
      outbox.select(tx, "status = 'PARKED'", [PARKED_ROWS_MAX], 'ORDER BY created_at ASC LIMIT ?'),
    );
  }

  /**
   * Applies an operator's change to a PARKED advice and writes its audit row
   * in the same transaction: the action and its record commit together or
   * not at all. The update is conditional on PARKED, so two operators (or two
   * instances) cannot both act on one advice.
   */
  changeParked(
    id: string,
    changes: Partial<OutboxEntry>,
    auditRow: (before: OutboxEntry, after: OutboxEntry) => Partial<AuditMessage>,
  ): Promise<ParkedChange> {
    return this.db.transaction(async (tx) => {
      const before = await outbox.one(tx, 'id = ?', [id]);
      if (!before) return { kind: 'missing' };
      if (before.status !== 'PARKED') return { kind: 'not-parked' };
      const changed = await outbox.update(tx, changes, "id = ? AND status = 'PARKED'", [id]);
      if (changed === 0) return { kind: 'not-parked' };
      const after = { ...before, ...changes };
      await auditMessages.insert(tx, auditRow(before, after) as AuditMessage);
      return { kind: 'changed', entry: after };
    });
  }

  /**
   * A transaction's audit rows. Its business events come whole, whatever else
   * was logged: the hub's own rows (the upstream exchange, late answers,
   * operator actions, found by the records they name) and the answer to each
   * of its payments. Other inbound messages join only through the tranId the
   * hub linked them to (a transaction the caller owns; see audit-link.ts),
   * never through an id a body merely named; a caller can send many, so these
   * alone are capped.
   */
  private async auditOf(tx: Tx, tranId: string, ids: string[], paymentIds: string[]): Promise<AuditMessage[]> {
    const hubRows = ids.length ? `(tran_id = ? OR message_id IN ${placeholders(ids.length)})` : 'tran_id = ?';
    const hubParams = ids.length ? [tranId, ...ids] : [tranId];
    const answers = paymentIds.length
      ? `operation = '${payOperation.name}' AND message_id IN ${placeholders(paymentIds.length)}`
      : '1 = 0';
    const business = await auditMessages.select(
      tx,
      `(direction <> 'IN' AND ${hubRows}) OR (direction = 'IN' AND tran_id = ? AND ${answers})`,
      [...hubParams, tranId, ...paymentIds],
    );
    const inbound = await auditMessages.select(
      tx,
      `direction = 'IN' AND tran_id = ? AND NOT (${answers})`,
      [tranId, ...paymentIds, INBOUND_AUDIT_ROWS_MAX],
      'ORDER BY seq ASC LIMIT ?',
    );
    return [...business, ...inbound].sort((a, b) => a.seq - b.seq);
  }

  private async adviceTranId(tx: Tx, advice: Advice): Promise<string | null> {
    const payment = await tranIdOf(tx, 'SELECT tran_id FROM payments WHERE id = ? LIMIT 1', [
      advice.paymentId ?? advice.requestId,
    ]);
    if (payment) return payment;
    // A reversal of an unknown request has no payment; its message may still name the code.
    const tranId = advice.body?.tranId;
    return typeof tranId === 'string' ? tranId : null;
  }
}

/** The `tran_id` of the first row a lookup returns, or null. */
async function tranIdOf(tx: Tx, sql: string, params: readonly unknown[]): Promise<string | null> {
  const { rows } = await execute(tx, sql, params);
  const tranId = rows[0]?.tran_id;
  return typeof tranId === 'string' ? tranId : null;
}

/**
 * The transaction list's statement (`SELECT * FROM payments WHERE <where> <tail>`):
 * each filter one bound predicate, phases as literals from a fixed list
 * (never the caller's text), the keyset as a row comparison, newest first.
 * Exported so a test can ask the database how it runs it (EXPLAIN).
 */
export function paymentListQuery(
  f: PaymentFilter,
  tranId: string | null,
): { where: string; params: unknown[]; tail: string } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]): void => {
    where.push(sql);
    params.push(...values);
  };
  /*
   * A transaction has a handful of payments: once its tranId is known, every
   * other term is compared by value only, kept off its index, so the tranId's
   * index is the one used. SQLite without statistics would otherwise walk
   * (state, created_at) — every confirmed payment ever stored — to avoid sorting
   * five rows (docs/benchmarks.md, "Console on a million payments").
   */
  const byValue = tranId === null ? (column: string) => column : (column: string) => `(${column} || '')`;
  const timeByValue = tranId === null ? 'created_at' : '(created_at + 0)';
  if (tranId !== null) add('tran_id = ?', tranId);
  if (f.phases.length) {
    add(phasePredicate(f.phases).replace(/\b(state|settlement) =/g, (_, column: string) => `${byValue(column)} =`));
  }
  if (f.partner !== null) add(`${byValue('partner_id')} = ?`, f.partner);
  if (f.retailer !== null) add(`${byValue('client_id')} = ?`, f.retailer);
  if (f.terminal !== null) add(`${byValue('terminal_id')} = ?`, f.terminal);
  if (f.currency !== null) add(`${byValue('currency')} = ?`, f.currency);
  if (f.minAmount !== null) add('amount >= ?', f.minAmount);
  if (f.maxAmount !== null) add('amount <= ?', f.maxAmount);
  if (f.from !== null) add(`${timeByValue} >= ?`, f.from);
  if (f.to !== null) add(`${timeByValue} < ?`, f.to);
  const newer = f.cursor?.newer === true;
  if (f.cursor !== null) add(`(created_at, id) ${newer ? '>' : '<'} (?, ?)`, f.cursor.createdAt, f.cursor.id);
  // The page before (newer) walks the same index forwards; the caller puts it back newest first.
  const tail = newer ? 'ORDER BY created_at ASC, id ASC LIMIT ?' : 'ORDER BY created_at DESC, id DESC LIMIT ?';
  return { where: where.length ? where.join(' AND ') : '1 = 1', params: [...params, f.limit + 1], tail };
}
