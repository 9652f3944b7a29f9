import type { Advice } from '@app/advices/advice.entity';
import type { DeliveryAttempt } from '@app/outbox/delivery-attempt.entity';
import type { OutboxEntry } from '@app/outbox/outbox-entry.entity';
import type { AuditMessage } from '@app/audit/audit-message.entity';
import type { Payment } from '@app/lifecycle/payment.entity';
import type { QrCode } from '@app/qr-codes/qr-code.entity';
import type { Scan } from '@app/scans/scan.entity';
import { auditRows, errorText } from './timeline-audit';
import { money as moneyOf } from './present/money';
import { ConsoleTime } from './present/times';

const UTC = new ConsoleTime('UTC');

/** What a timeline row is about; the order here breaks ties between rows of the same millisecond. */
export const TIMELINE_KINDS = [
  'QR_ISSUED',
  'PAYMENT_RECEIVED',
  'SCAN',
  'UPSTREAM_REQUEST',
  'UPSTREAM_ANSWER',
  'RETAILER_ANSWER',
  // Late by definition: after the hub gave up and answered the retailer.
  'LATE_ANSWER',
  'PAYMENT_ENDED',
  'MESSAGE_REFUSED',
  'ADVICE_RECEIVED',
  'ADVICE_QUEUED',
  // An operator's retry leads to the next attempt, possibly within the same millisecond.
  'ADMIN_ACTION',
  'DELIVERY_ATTEMPT',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** One row of a transaction's timeline, as the operator API and console show it. */
export interface TimelineEvent {
  /** ISO 8601 time of the event. */
  time: string;
  kind: TimelineKind;
  /** What happened, in words an operator reads at a glance ("Partner approved"). */
  title: string;
  detail: string;
  status: string;
  /** Id of the record the row comes from (payment, scan, advice, outbox entry, message). */
  ref: string | null;
}

/** Everything stored for one tranId. */
export interface TransactionRecords {
  qrCode: QrCode | null;
  payments: Payment[];
  scans: Scan[];
  advices: Advice[];
  outbox: OutboxEntry[];
  attempts: DeliveryAttempt[];
  audit: AuditMessage[];
}

/** A timeline row before sorting: `at` is epoch milliseconds. */
export interface TimelineRow extends Omit<TimelineEvent, 'time'> {
  at: number;
}
type Row = TimelineRow;

const SCAN_TITLES: Record<Scan['status'], string> = {
  ACCEPTED: 'Scan accepted',
  DECLINED: 'Scan declined',
  EARLY: 'Early scan',
  EXPIRED: 'Early scan expired',
};
const ADVICE_NAMES: Record<Advice['kind'], string> = { CONFIRMATION: 'Confirmation', REVERSAL: 'Reversal' };
const ATTEMPT_RESULTS: Record<string, [string, string]> = {
  successful: ['delivered', 'DELIVERED'],
  failed: ['refused', 'PARKED'],
  unknown: ['attempt failed', 'RETRYING'],
};

/**
 * The whole story of a tranId in time order, built from the records rather
 * than from logs: each table says what it knows (the QR code, payments, scans,
 * advices, outbox and its delivery attempts) and the audit trail adds what only
 * it saw (the upstream exchange, answers to the retailer, late answers,
 * refused messages, operator actions). The stored payment state stands in
 * where an audit write was lost, so a row is never missing.
 */
export function buildTimeline(r: TransactionRecords, time: ConsoleTime = UTC): TimelineEvent[] {
  const rows: Row[] = [
    ...qrRows(r.qrCode, time),
    ...r.payments.flatMap((p) => paymentRows(p, r.audit)),
    ...r.scans.map(scanRow),
    ...r.audit.flatMap(auditRows),
    ...r.advices.map(adviceRow),
    ...r.outbox.flatMap((e) => outboxRows(e, r.advices, r.attempts)),
  ];
  const rank = (kind: TimelineKind): number => TIMELINE_KINDS.indexOf(kind);
  // Array.prototype.sort is stable: rows of one record keep the order they were built in.
  rows.sort((a, b) => a.at - b.at || rank(a.kind) - rank(b.kind));
  return rows.map(({ at, ...row }) => ({ time: new Date(at).toISOString(), ...row }));
}

function qrRows(qr: QrCode | null, time: ConsoleTime): Row[] {
  if (!qr) return [];
  const value = qr.amount === null ? 'open amount' : money(qr.amount, qr.currency);
  return [
    {
      at: qr.createdAt,
      kind: 'QR_ISSUED',
      title: 'QR code issued',
      detail: `${value} · retailer ${qr.clientId} · terminal ${qr.terminalId} · expires ${time.format(qr.expiresAt)}`,
      status: qr.paidByPaymentId ? 'PAID' : 'ISSUED',
      ref: qr.requestId,
    },
  ];
}

function paymentRows(p: Payment, audit: AuditMessage[]): Row[] {
  const settled = p.settlement === 'NONE' ? '' : ` / ${p.settlement}`;
  const rows: Row[] = [
    {
      at: p.createdAt,
      kind: 'PAYMENT_RECEIVED',
      title: 'Payment received',
      detail: `payment ${p.id} · ${money(p.amount, p.currency)} · retailer ${p.clientId}`,
      status: `${p.state}${settled}`,
      ref: p.id,
    },
  ];
  if (p.state === 'NO_SCAN' || p.state === 'CLOSED') {
    const title = p.state === 'NO_SCAN' ? 'No scan in time' : 'Payment closed';
    rows.push({
      at: p.updatedAt,
      kind: 'PAYMENT_ENDED',
      title,
      detail: 'nothing sent upstream',
      status: p.state,
      ref: p.id,
    });
  }
  const seen = (direction: string) => audit.some((a) => a.direction === direction && a.messageId === p.upstreamId);
  if (p.upstreamId && !seen('OUT')) rows.push(...upstreamFromPayment(p));
  if (p.lateResponse && !seen('LATE')) {
    const received = Date.parse(String(p.lateResponse.receivedAt));
    rows.push({
      at: Number.isNaN(received) ? p.updatedAt : received,
      kind: 'LATE_ANSWER',
      title: 'Late partner answer',
      detail: `HTTP ${String(p.lateResponse.status)} for ${p.upstreamId} · recorded, nothing changed`,
      status: 'LATE',
      ref: p.upstreamId,
    });
  }
  return rows;
}

/** The upstream exchange as the payment row records it, when its audit row is missing. */
function upstreamFromPayment(p: Payment): Row[] {
  const base = { at: p.updatedAt, kind: 'UPSTREAM_ANSWER' as const, ref: p.upstreamId };
  const partner = `partner ${p.partnerId ?? '?'}`;
  switch (p.state) {
    case 'SENDING':
      return [{ ...base, kind: 'UPSTREAM_REQUEST', title: 'Sent to partner', detail: partner, status: 'IN FLIGHT' }];
    case 'APPROVED':
      return [{ ...base, title: 'Partner approved', detail: partner, status: 'APPROVED' }];
    case 'DECLINED':
      return [{ ...base, title: 'Partner declined', detail: `${partner} · ${errorText(p.error)}`, status: 'DECLINED' }];
    case 'UNKNOWN':
      return [{ ...base, title: 'Partner answer unknown', detail: partner, status: 'UNKNOWN' }];
    default:
      return [];
  }
}

function scanRow(s: Scan): Row {
  const payment = s.paymentId ? ` · payment ${s.paymentId}` : '';
  return {
    at: s.createdAt,
    kind: 'SCAN',
    title: SCAN_TITLES[s.status] ?? `Scan ${s.status}`,
    detail: `scan ${s.id} · partner ${s.partnerId}${payment}`,
    status: s.status,
    ref: s.id,
  };
}

function adviceRow(a: Advice): Row {
  return {
    at: a.createdAt,
    kind: 'ADVICE_RECEIVED',
    title: `${ADVICE_NAMES[a.kind]} received`,
    detail: `advice ${a.id} from retailer ${a.clientId} for payment ${a.requestId}`,
    status: `answered ${a.answerStatus}`,
    ref: a.id,
  };
}

function outboxRows(e: OutboxEntry, advices: Advice[], attempts: DeliveryAttempt[]): Row[] {
  const name = ADVICE_NAMES[e.kind];
  const source = e.sourceAdviceId ? advices.find((a) => a.id === e.sourceAdviceId) : undefined;
  const reason = e.body?.reversalReason;
  const title =
    e.kind === 'REVERSAL' && !e.sourceAdviceId
      ? `${reason === 'TIMEOUT' ? 'Timeout' : 'Hub'} reversal queued`
      : `${name} queued`;
  const resolved = e.resolvedBy ? ` · resolved by ${e.resolvedBy}` : '';
  const rows: Row[] = [
    {
      // Queued and received commit together; never show the queue row above its advice.
      at: Math.max(e.createdAt, source?.createdAt ?? 0),
      kind: 'ADVICE_QUEUED',
      title,
      detail: `advice ${e.id} to partner ${e.partnerId} · ${e.attempts} attempt(s)${resolved}`,
      status: e.status,
      ref: e.id,
    },
  ];
  attempts
    .filter((t) => t.outboxId === e.id)
    .forEach((t, i) => {
      const [verb, status] = ATTEMPT_RESULTS[t.outcome] ?? [t.outcome, t.outcome.toUpperCase()];
      const http = t.httpStatus === null ? '' : ` · HTTP ${t.httpStatus}`;
      const detail = t.detail ? ` · ${t.detail}` : '';
      rows.push({
        at: t.createdAt,
        kind: 'DELIVERY_ATTEMPT',
        title: `${name} ${verb}`,
        detail: `attempt ${i + 1}${http}${detail}`,
        status,
        ref: e.id,
      });
    });
  return rows;
}

/** The amount as people read it (`ZAR 12.50`, docs/operations-console.md). */
function money(amount: number, currency: string | null): string {
  return currency === null ? `${amount} (minor units)` : moneyOf(amount, currency).text;
}
