import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Advice } from '@app/advices/advice.entity';
import { DeliveryAttempt } from '@app/outbox/delivery-attempt.entity';
import { OutboxEntry } from '@app/outbox/outbox-entry.entity';
import { AuditMessage } from '@app/audit/audit-message.entity';
import { Database, insertRow } from '@app/persistence/database';
import { Payment } from '@app/payments/payment.entity';
import { QrCode } from '@app/qr-codes/qr-code.entity';
import { Scan } from '@app/scans/scan.entity';
import { MatchKind } from './admin-views';
import { TransactionRecords } from './timeline';
import { payOperation } from '@app/payments/pay.operation';

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
    return this.db.run(async (em) => {
      const byTranId = await em.findOne(QrCode, { where: { tranId: q }, select: { tranId: true } });
      if (byTranId) return { tranId: q, matchedBy: 'tranId' };
      const qr = await em.findOne(QrCode, { where: { requestId: q }, select: { tranId: true } });
      if (qr) return { tranId: qr.tranId, matchedBy: 'qrRequestId' };
      const payment = await em.findOne(Payment, {
        where: [{ id: q }, { upstreamId: q }],
        select: { tranId: true, id: true },
      });
      if (payment) return { tranId: payment.tranId, matchedBy: payment.id === q ? 'paymentId' : 'upstreamId' };
      const scan = await em.findOne(Scan, { where: { id: q }, select: { tranId: true } });
      if (scan) return { tranId: scan.tranId, matchedBy: 'scanId' };
      const advice = await em.findOneBy(Advice, { id: q });
      const adviceTranId = advice && (await this.adviceTranId(em, advice));
      if (adviceTranId) return { tranId: adviceTranId, matchedBy: 'adviceId' };
      const entry = await em.findOne(OutboxEntry, { where: { id: q }, select: { paymentId: true } });
      const entryPayment =
        entry && (await em.findOne(Payment, { where: { id: entry.paymentId }, select: { tranId: true } }));
      if (entryPayment) return { tranId: entryPayment.tranId, matchedBy: 'outboxId' };
      // A refused message left only its audit row; a scan for an unknown code only its scan row.
      const audited = await em
        .createQueryBuilder(AuditMessage, 'a')
        .select('a.tran_id', 'tranId')
        .where('(a.message_id = :q OR a.tran_id = :q) AND a.tran_id IS NOT NULL', { q })
        .orderBy('a.seq', 'ASC')
        .limit(1)
        .getRawOne<{ tranId: string }>();
      if (audited) return { tranId: audited.tranId, matchedBy: audited.tranId === q ? 'tranId' : 'messageId' };
      const scanned = await em.findOne(Scan, { where: { tranId: q }, select: { tranId: true } });
      return scanned ? { tranId: q, matchedBy: 'tranId' } : null;
    });
  }

  /** Every record of one tranId: the timeline's raw material. */
  records(tranId: string): Promise<TransactionRecords> {
    return this.db.run(async (em) => {
      const qrCode = await em.findOneBy(QrCode, { tranId });
      const payments = await em.find(Payment, { where: { tranId }, order: { createdAt: 'ASC' } });
      const scans = await em.find(Scan, { where: { tranId }, order: { createdAt: 'ASC' } });
      const paymentIds = payments.map((p) => p.id);
      // An advice names its payment by requestId (indexed); payment_id is not, and is the same id.
      const advices = paymentIds.length
        ? await em.find(Advice, { where: { requestId: In(paymentIds) }, order: { createdAt: 'ASC' } })
        : [];
      const outbox = paymentIds.length
        ? await em.find(OutboxEntry, { where: { paymentId: In(paymentIds) }, order: { createdAt: 'ASC' } })
        : [];
      const attempts = outbox.length
        ? await em.find(DeliveryAttempt, { where: { outboxId: In(outbox.map((o) => o.id)) }, order: { seq: 'ASC' } })
        : [];
      const audit = await this.auditOf(
        em,
        tranId,
        [
          ...paymentIds,
          ...payments.flatMap((p) => (p.upstreamId ? [p.upstreamId] : [])),
          ...advices.map((a) => a.id),
          ...outbox.map((o) => o.id),
          ...scans.map((s) => s.id),
          ...(qrCode ? [qrCode.requestId] : []),
        ],
        paymentIds,
      );
      return { qrCode, payments, scans, advices, outbox, attempts, audit };
    });
  }

  /** Advices parked for an operator, oldest first. */
  parked(): Promise<OutboxEntry[]> {
    return this.db.run((em) =>
      em.find(OutboxEntry, { where: { status: 'PARKED' }, order: { createdAt: 'ASC' }, take: PARKED_ROWS_MAX }),
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
    return this.db.transaction(async (em) => {
      const before = await em.findOneBy(OutboxEntry, { id });
      if (!before) return { kind: 'missing' };
      if (before.status !== 'PARKED') return { kind: 'not-parked' };
      const result = await em
        .createQueryBuilder()
        .update(OutboxEntry)
        .set(changes as Record<string, unknown>)
        .where("id = :id AND status = 'PARKED'", { id })
        .execute();
      if ((result.affected ?? 0) === 0) return { kind: 'not-parked' };
      const after = { ...before, ...changes };
      await insertRow(em, AuditMessage, auditRow(before, after));
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
  private async auditOf(em: EntityManager, tranId: string, ids: string[], paymentIds: string[]) {
    const hubRows = ids.length ? '(a.tran_id = :tranId OR a.message_id IN (:...ids))' : 'a.tran_id = :tranId';
    const answers = paymentIds.length ? 'a.operation = :pay AND a.message_id IN (:...paymentIds)' : '1 = 0';
    const params = { tranId, ids, paymentIds, pay: payOperation.name };
    const business = await em
      .createQueryBuilder(AuditMessage, 'a')
      .where(
        `(a.direction <> 'IN' AND ${hubRows}) OR (a.direction = 'IN' AND a.tran_id = :tranId AND ${answers})`,
        params,
      )
      .getMany();
    const inbound = await em
      .createQueryBuilder(AuditMessage, 'a')
      .where(`a.direction = 'IN' AND a.tran_id = :tranId AND NOT (${answers})`, params)
      .orderBy('a.seq', 'ASC')
      .limit(INBOUND_AUDIT_ROWS_MAX)
      .getMany();
    return [...business, ...inbound].sort((a, b) => a.seq - b.seq);
  }

  private async adviceTranId(em: EntityManager, advice: Advice): Promise<string | null> {
    const payment = await em.findOne(Payment, {
      where: { id: advice.paymentId ?? advice.requestId },
      select: { tranId: true },
    });
    if (payment) return payment.tranId;
    // A reversal of an unknown request has no payment; its message may still name the code.
    const tranId = advice.body?.tranId;
    return typeof tranId === 'string' ? tranId : null;
  }
}
