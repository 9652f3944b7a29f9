import type { AdviceKind } from '@app/advices/advice.entity';
import type { OutboxEntry, OutboxStatus } from '@app/outbox/outbox-entry.entity';
import type { PartnerOutboxStats } from '@app/outbox/outbox-stats';
import type { Payment } from '@app/lifecycle/payment.entity';
import { phaseOf, type StoredPhase } from '@app/lifecycle/payment-states';
import { money, type Money } from './present/money';
import { paymentWords, type PaymentWords } from './present/payment-words';
import type { TimelineEvent } from './timeline';

/** Which kind of id the operator's search matched. */
export type MatchKind =
  'tranId' | 'qrRequestId' | 'paymentId' | 'upstreamId' | 'scanId' | 'adviceId' | 'outboxId' | 'messageId';

/** A payment as the operator sees it (no request bodies, no partner token). */
export interface PaymentSummary {
  id: string;
  state: Payment['state'];
  settlement: Payment['settlement'];
  amount: number;
  currency: string;
  approvedAmount: number | null;
  partnerId: string | null;
  upstreamId: string | null;
  createdAt: string;
  /** What happened to it, in words, with the status of the advice the hub owes its partner. */
  words: PaymentWords;
  money: Money;
}

/** One row of `GET /admin/v1/payments`, the transaction list. */
export interface PaymentListItem {
  paymentId: string;
  tranId: string;
  createdAt: string;
  phase: StoredPhase;
  words: PaymentWords;
  amount: number;
  /** ISO 4217 numeric code, as stored ('710'). */
  currency: string;
  money: Money;
  approvedAmount: number | null;
  partnerId: string | null;
  /** The retailer's client id. */
  retailerId: string;
  terminalId: string | null;
  unknownReason: Payment['unknownReason'];
  /** The partner's (or hub's) errorType when it failed, e.g. DECLINED. */
  errorType: string | null;
}

/** `GET /admin/v1/payments`: one page, newest first, and the cursor of the next (null: no more). */
export interface PaymentListPage {
  items: PaymentListItem[];
  /** Cursor of the older page; null on the last one. */
  next: string | null;
  /** Cursor of the newer page (the one before); null on the first one. */
  previous: string | null;
  /** What `q` found, when it was given: the transaction whose payments these are (null: nothing). */
  matched?: { tranId: string; matchedBy: MatchKind } | null;
}

/** An advice the hub owes a partner, as the operator sees it. */
export interface OutboxEntryView {
  id: string;
  paymentId: string;
  tranId: string | null;
  partnerId: string;
  kind: AdviceKind;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  resolvedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** `GET /admin/v1/transactions?q=`: one tranId's records and its whole timeline, oldest first. */
export interface TransactionView {
  tranId: string;
  matchedBy: MatchKind;
  payments: PaymentSummary[];
  outbox: OutboxEntryView[];
  events: TimelineEvent[];
}

/** `GET /admin/v1/outbox`: queue figures per partner and the advices parked for an operator. */
export interface OutboxOverview {
  partners: PartnerOutboxStats[];
  parked: OutboxEntryView[];
}

export function paymentSummary(p: Payment, advice: OutboxStatus | null = null): PaymentSummary {
  return {
    id: p.id,
    state: p.state,
    settlement: p.settlement,
    amount: p.amount,
    currency: p.currency,
    approvedAmount: p.approvedAmount,
    partnerId: p.partnerId,
    upstreamId: p.upstreamId,
    createdAt: iso(p.createdAt),
    words: paymentWords({ ...p, advice }),
    money: money(p.amount, p.currency),
  };
}

export function paymentListItem(p: Payment, advice: OutboxStatus | null): PaymentListItem {
  const errorType = p.error?.errorType;
  return {
    paymentId: p.id,
    tranId: p.tranId,
    createdAt: iso(p.createdAt),
    phase: phaseOf(p) as StoredPhase,
    words: paymentWords({ ...p, advice }),
    amount: p.amount,
    currency: p.currency,
    money: money(p.amount, p.currency),
    approvedAmount: p.approvedAmount,
    partnerId: p.partnerId,
    retailerId: p.clientId,
    terminalId: p.terminalId,
    unknownReason: p.unknownReason,
    errorType: typeof errorType === 'string' && errorType ? errorType : null,
  };
}

/** The status of each payment's latest advice among `entries` (the reversal after a confirmation, say). */
export function latestAdviceOf(entries: readonly OutboxEntry[]): Map<string, OutboxStatus> {
  const latest = new Map<string, OutboxEntry>();
  for (const e of entries) {
    const seen = latest.get(e.paymentId);
    if (!seen || e.createdAt >= seen.createdAt) latest.set(e.paymentId, e);
  }
  return new Map([...latest].map(([id, e]) => [id, e.status]));
}

export function outboxEntryView(e: OutboxEntry): OutboxEntryView {
  return {
    id: e.id,
    paymentId: e.paymentId,
    tranId: adviceTranId(e),
    partnerId: e.partnerId,
    kind: e.kind,
    status: e.status,
    attempts: e.attempts,
    lastError: e.lastError,
    resolvedBy: e.resolvedBy,
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
  };
}

/** The upstream advice carries the payment's tranId (see buildUpstreamAdvice). */
export function adviceTranId(e: OutboxEntry): string | null {
  const tranId = e.body?.tranId;
  return typeof tranId === 'string' ? tranId : null;
}

export function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
