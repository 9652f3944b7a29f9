import type {
  Amounts,
  Institution,
  PaymentConfirmation,
  PaymentReversal,
  ReversalReason,
  ThirdPartyIdentifier,
} from '@qr-hub/protocol';

/** What the hub knows of a payment when it advises the partner of it. */
export interface AdvisedPayment {
  /** The id of the hub's PaymentRequest to the partner: the advice's `requestId`. */
  requestId: string;
  tranId: string;
  /** The partner's answer's identifiers when it sent some, else those the hub sent. */
  thirdPartyIdentifiers: ThirdPartyIdentifier[];
  partner?: Institution;
  stan?: string;
  rrn?: string;
}

/**
 * A confirmation or reversal exactly as the hub sends it to a partner (docs/protocol.md §7):
 * the hub's own advice id, `requestId` naming the hub's PaymentRequest, the payment's
 * identifiers unaltered. The hub and the contract suite both build advices here.
 */
export function upstreamAdvice(
  kind: 'CONFIRMATION',
  payment: AdvisedPayment,
  adviceId: string,
  time: string,
  extra?: { amounts?: Amounts },
): PaymentConfirmation;
export function upstreamAdvice(
  kind: 'REVERSAL',
  payment: AdvisedPayment,
  adviceId: string,
  time: string,
  extra?: { reversalReason?: ReversalReason; amounts?: Amounts },
): PaymentReversal;
export function upstreamAdvice(
  kind: 'CONFIRMATION' | 'REVERSAL',
  payment: AdvisedPayment,
  adviceId: string,
  time: string,
  extra: { reversalReason?: ReversalReason; amounts?: Amounts } = {},
): PaymentConfirmation | PaymentReversal {
  // The key order is the hub's wire order: partner, reversalReason, amounts, stan, rrn.
  const advice: PaymentConfirmation & { reversalReason?: ReversalReason } = {
    id: adviceId,
    requestId: payment.requestId,
    time,
    thirdPartyIdentifiers: payment.thirdPartyIdentifiers,
    tranId: payment.tranId,
  };
  if (payment.partner) advice.partner = payment.partner;
  if (kind === 'REVERSAL') advice.reversalReason = extra.reversalReason ?? 'CANCELLED';
  if (extra.amounts !== undefined) advice.amounts = extra.amounts;
  if (payment.stan) advice.stan = payment.stan;
  if (payment.rrn) advice.rrn = payment.rrn;
  return advice as PaymentConfirmation | PaymentReversal;
}
