import type { AdviceKind } from '@app/advices/advice.entity';
import type { OutboxEntry, OutboxStatus } from '@app/outbox/outbox-entry.entity';
import type { PartnerOutboxStats } from '@app/outbox/outbox-stats';
import type { Payment } from '@app/lifecycle/payment.entity';
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

export function paymentSummary(p: Payment): PaymentSummary {
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
  };
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
