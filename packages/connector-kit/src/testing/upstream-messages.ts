import { randomBytes, randomUUID } from 'node:crypto';
import type {
  Institution,
  PaymentConfirmation,
  PaymentRequest,
  PaymentResponse,
  PaymentReversal,
  ReversalReason,
} from '@qr-hub/protocol';
import { upstreamAdvice } from '../hub-messages';

/** The hub as the client of its partners (config `hub`: institutionId and name). */
export const TEST_HUB: Institution = { id: 'qr-hub', name: 'QR Hub' };
/** The partner named in the test payments (the scan's partner). */
export const TEST_PARTNER: Institution = { id: 'wallet-a', name: 'Wallet A' };
/** The retailer whose payment the hub passes on. */
const RETAILER: Institution = { id: '1234', name: 'Demo Retailer' };

/**
 * A PaymentRequest for `amount` cents (ZAR) exactly as the hub sends it upstream
 * (docs/protocol.md §5.5): the retailer's payment with a fresh id, the hub as `client`, the
 * retailer's identifiers followed by the hub's own (its transactionIdentifier is the
 * retailer's request id), the scan's partner and payment token.
 */
export function upstreamPaymentRequest(amount: number, partner: Institution = TEST_PARTNER): PaymentRequest {
  const retailerRequestId = randomUUID();
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    originator: {
      institution: { ...RETAILER },
      terminalId: 'TERM0001',
      merchant: {
        merchantType: '5411',
        merchantId: 'MERCHANT0000001',
        merchantName: { name: 'Demo Store', city: 'Cape Town', region: 'WC', country: 'ZA' },
      },
      operatorId: 'OP01',
    },
    client: { ...TEST_HUB },
    thirdPartyIdentifiers: [
      { institutionId: RETAILER.id, transactionIdentifier: `POS-${retailerRequestId.slice(0, 8)}` },
      { institutionId: TEST_HUB.id, transactionIdentifier: retailerRequestId },
    ],
    tranType: 'GOODS_AND_SERVICES',
    amounts: { requestAmount: { amount, currency: '710' } },
    tranId: randomBytes(16).toString('hex'),
    partner: { ...partner },
    partnerPaymentToken: `tok-${randomUUID()}`,
  };
}

/**
 * The confirmation or reversal the hub sends for `request` (`upstreamAdvice`, the hub's
 * own builder): identifiers from the partner's approval when there was one, else those
 * the hub sent.
 */
export function upstreamAdviceFor(
  kind: 'CONFIRMATION',
  request: PaymentRequest,
  approval?: PaymentResponse,
): PaymentConfirmation;
export function upstreamAdviceFor(
  kind: 'REVERSAL',
  request: PaymentRequest,
  approval?: PaymentResponse,
  reversalReason?: ReversalReason,
): PaymentReversal;
export function upstreamAdviceFor(
  kind: 'CONFIRMATION' | 'REVERSAL',
  request: PaymentRequest,
  approval?: PaymentResponse,
  reversalReason: ReversalReason = 'CANCELLED',
): PaymentConfirmation | PaymentReversal {
  const payment = {
    requestId: request.id,
    tranId: request.tranId,
    thirdPartyIdentifiers: Array.isArray(approval?.thirdPartyIdentifiers)
      ? approval.thirdPartyIdentifiers
      : request.thirdPartyIdentifiers,
    ...(request.partner && { partner: request.partner }),
    ...(request.stan && { stan: request.stan }),
    ...(request.rrn && { rrn: request.rrn }),
  };
  const time = new Date().toISOString();
  return kind === 'CONFIRMATION'
    ? upstreamAdvice('CONFIRMATION', payment, randomUUID(), time)
    : upstreamAdvice('REVERSAL', payment, randomUUID(), time, { reversalReason });
}
