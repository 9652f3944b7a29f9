import type { Payment, UnknownReason } from '@app/lifecycle/payment.entity';
import type { JsonObject } from '@app/persistence/column-types';
import type { AuditEntry } from '@app/audit/audit.service';
import type { PayOutcome } from '@app/partners/partner-connector';

/**
 * What the partner approved, or null when its approval makes no sense (a
 * different currency, more than asked): then money may have moved in a way we
 * cannot account for, so the hub treats it as unknown and reverses.
 */
export function approvedAmount(body: JsonObject | null, payment: Payment): number | null {
  const amounts = body?.amounts as { approvedAmount?: { amount?: unknown; currency?: unknown } } | undefined;
  const approved = amounts?.approvedAmount;
  if (!approved) return payment.amount;
  if (typeof approved.amount !== 'number' || !Number.isSafeInteger(approved.amount) || approved.amount < 0) return null;
  if (approved.currency !== payment.currency || approved.amount > payment.amount) return null;
  return approved.amount;
}

/** The partner's name as its scan gave it ('' when it gave none). */
export function scanPartnerName(body: JsonObject | null): string {
  const partner = body?.partner as { name?: unknown } | undefined;
  return typeof partner?.name === 'string' ? partner.name : '';
}

/** The stored copy of what we sent upstream never keeps the partner's token. */
export function masked(upstream: JsonObject): JsonObject {
  const copy = { ...upstream };
  if (copy.partnerPaymentToken) copy.partnerPaymentToken = '***';
  return copy;
}

/** The audit row of the hub's PaymentRequest to the partner and what came of it. */
export function upstreamAudit(
  payment: Payment,
  upstream: JsonObject,
  outcome: PayOutcome,
  durationMs: number,
): AuditEntry {
  return {
    direction: 'OUT',
    operation: 'pay',
    messageId: payment.upstreamId,
    tranId: payment.tranId,
    institutionId: payment.partnerId,
    httpStatus: outcome.status ?? null,
    outcome: outcome.kind === 'unknown' ? `unknown: ${outcome.reason}` : outcome.kind,
    requestBody: upstream,
    responseBody: outcome.kind === 'successful' ? outcome.body : outcome.kind === 'failed' ? outcome.error : null,
    durationMs,
  };
}

/**
 * Why a pay call ended without a decision, as the console says it. Connectors
 * report a timeout as reason `timeout` (packages/connector-kit), the guard as
 * an overrun; a status means the partner answered, with nothing final.
 */
export function unknownReasonOf(outcome: PayOutcome): UnknownReason {
  if (outcome.kind === 'successful') return 'UNREADABLE_APPROVAL';
  if (outcome.kind === 'failed') return 'PARTNER_ERROR';
  if (outcome.reason === 'partner not configured') return 'PARTNER_NOT_CONFIGURED';
  if (/^timeout\b|timed out|overran its timeout/i.test(outcome.reason)) return 'PARTNER_TIMEOUT';
  return outcome.status !== undefined ? 'PARTNER_ERROR' : 'PARTNER_UNREACHABLE';
}
