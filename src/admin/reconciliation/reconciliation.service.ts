import { Injectable } from '@nestjs/common';
import { FormatError } from '@app/errors/hub-error';
import type { JsonObject } from '@app/persistence/column-types';
import type { OutboxStatus } from '@app/outbox/outbox-entry.entity';
import type { Payment, PaymentState } from '@app/lifecycle/payment.entity';
import { LateCursor, LateDisagreement, PaymentStats } from '@app/lifecycle/payment-stats.repository';
import { money, Money } from '../present/money';
import { paymentWords, PaymentWords } from '../present/payment-words';

/** Rows per page of the late-answer list, unless `limit` asks for fewer (or more, up to the maximum). */
export const LATE_PAGE_DEFAULT = 50;
export const LATE_PAGE_MAX = 200;

/** What the partner said after the hub gave up. */
export interface PartnerLateAnswer {
  /** The HTTP status of the late answer (null when the connector gave none). */
  status: number | null;
  outcome: 'approved' | 'declined';
  /** The amount it approved (approvals: its `approvedAmount`, or the whole amount when it named none). */
  approvedAmount: Money | null;
  /** The errorType it declined with (declines), when it gave one. */
  errorType: string | null;
  /** `Approved ZAR 10.92 (HTTP 201)`, `Declined — INSUFFICIENT_FUNDS (HTTP 400)`. */
  text: string;
}

/** One payment whose late partner answer disagrees with what the retailer was told (docs/console/reconciliation.md). */
export interface LateAnswerView {
  paymentId: string;
  tranId: string;
  partnerId: string | null;
  amount: Money;
  /** When the late answer arrived (epoch ms). */
  receivedAt: number;
  /** The payment's state, and what the retailer was told, in the console's words. */
  state: PaymentState;
  retailerWasTold: PaymentWords;
  partnerSaid: PartnerLateAnswer;
  /** The status of the hub's REVERSAL advice for the payment, null when none was queued. */
  reversal: OutboxStatus | null;
  /** What the hub did about it, e.g. `Timeout reversal delivered`. */
  hubAction: string;
  /** What the operator should check with the partner. */
  guidance: string;
}

export interface LateAnswerPage {
  /** How many late answers disagree in all (the `qrhub_late_answers_disagreeing` gauge). */
  count: number;
  items: LateAnswerView[];
  /** The `after` of the next page; null on the last one. */
  next: string | null;
}

const REVERSAL_WORDS: Record<OutboxStatus, string> = {
  PENDING: 'Timeout reversal pending: the hub is still delivering it',
  DELIVERED: 'Timeout reversal delivered to the partner',
  PARKED: 'Timeout reversal parked: the partner refused it',
  RESOLVED: 'Timeout reversal resolved by an operator',
};

/** `limit` as given: absent is the default; otherwise a whole number from 1 to the maximum. */
export function parseLimit(value: unknown): number {
  if (value === undefined || value === '') return LATE_PAGE_DEFAULT;
  const n = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= LATE_PAGE_MAX)) throw new FormatError(`limit must be a whole number from 1 to ${LATE_PAGE_MAX}`);
  return n;
}

/** `after` as given (a `next` from a previous page): `<updatedAt>.<paymentId>` in base64url. */
export function parseCursor(value: unknown): LateCursor | null {
  if (value === undefined || value === '') return null;
  if (typeof value === 'string' && value.length <= 200) {
    const text = Buffer.from(value, 'base64url').toString('utf8');
    const match = /^(\d{1,16})\.(.{1,64})$/s.exec(text);
    if (match) return { updatedAt: Number(match[1]), id: match[2] };
  }
  throw new FormatError('after must be the next value of a previous page');
}

const cursorOf = (p: Payment): string => Buffer.from(`${p.updatedAt}.${p.id}`, 'utf8').toString('base64url');

/**
 * The late-answer reconciliation list (docs/console/reconciliation.md): the
 * payments whose partner answered after the hub gave up (docs/protocol.md
 * §5.5) and disagrees with the outcome the retailer was given. One query
 * (PaymentStats) serves the list, its count on the dashboard and the gauge.
 */
@Injectable()
export class ReconciliationService {
  constructor(private readonly payments: PaymentStats) {}

  async page(limit: number, after: LateCursor | null): Promise<LateAnswerPage> {
    const [count, rows] = await Promise.all([
      this.payments.lateDisagreementCount(),
      this.payments.lateDisagreements(limit + 1, after),
    ]);
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    return {
      count,
      items: shown.map(lateAnswerView),
      next: rows.length > limit && last ? cursorOf(last.payment) : null,
    };
  }
}

/** One row of the list, in the console's words. */
export function lateAnswerView({ payment: p, reversal }: LateDisagreement): LateAnswerView {
  const late = p.lateResponse ?? {};
  const status = typeof late.status === 'number' ? late.status : null;
  const received = typeof late.receivedAt === 'string' ? Date.parse(late.receivedAt) : NaN;
  const body = isObject(late.body) ? late.body : null;
  const partnerSaid = lateAnswerOf(p, status, body);
  const told = paymentWords({ ...p, advice: reversal });
  const hubAction = reversal ? REVERSAL_WORDS[reversal] : 'No reversal queued';
  return {
    paymentId: p.id,
    tranId: p.tranId,
    partnerId: p.partnerId,
    amount: money(p.amount, p.currency),
    receivedAt: Number.isFinite(received) ? received : p.updatedAt,
    state: p.state,
    retailerWasTold: told,
    partnerSaid,
    reversal,
    hubAction,
    guidance: guidanceFor(p.state, partnerSaid.outcome, reversal),
  };
}

function lateAnswerOf(p: Payment, status: number | null, body: JsonObject | null): PartnerLateAnswer {
  const http = status === null ? '' : ` (HTTP ${status})`;
  if (status !== null && status >= 200 && status < 300) {
    const amounts = isObject(body?.amounts) ? body.amounts : null;
    const approved = isObject(amounts?.approvedAmount) ? amounts.approvedAmount : null;
    const amount = typeof approved?.amount === 'number' ? approved.amount : p.amount;
    const currency = typeof approved?.currency === 'string' ? approved.currency : p.currency;
    const m = money(amount, currency);
    return { status, outcome: 'approved', approvedAmount: m, errorType: null, text: `Approved ${m.text}${http}` };
  }
  const errorType = typeof body?.errorType === 'string' && body.errorType ? body.errorType : null;
  return {
    status,
    outcome: 'declined',
    approvedAmount: null,
    errorType,
    text: `Declined — ${errorType ?? 'no errorType given'}${http}`,
  };
}

function guidanceFor(state: PaymentState, said: 'approved' | 'declined', reversal: OutboxStatus | null): string {
  if (said === 'declined') {
    return 'The retailer was told the payment was approved: check with the partner whether it took the money, and with the retailer whether the goods left.';
  }
  switch (reversal) {
    case 'DELIVERED':
      return `The retailer was told it failed (${state === 'UNKNOWN' ? 'reversed on timeout' : 'not approved'}) and the partner accepted the reversal: check with the partner that the customer was refunded or never charged.`;
    case 'PENDING':
      return 'The customer may have been charged and the reversal is not delivered yet: check with the partner once it is, or sooner if the customer calls.';
    case 'PARKED':
      return 'The partner refused the reversal: the customer may have been charged for goods they did not get. Settle it with the partner, then resolve the parked advice.';
    case 'RESOLVED':
      return 'An operator resolved the reversal by other means: check with the partner that the refund was made.';
    case null:
      return 'No reversal was queued: ask the partner to reverse the payment.';
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
