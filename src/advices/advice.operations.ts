import { defineOperation } from '@app/operations/operation';
import { errorAnswer, PROTOCOL_FAILURES } from '@app/operations/protocol-responses';

/*
 * Advices carry no `client` field (no identity field): ownership is checked
 * against the payment (docs/protocol.md §3).
 */

/** confirmPayment (docs/protocol.md §7): 202 with the confirmation echoed. */
export const confirmPaymentOperation = defineOperation({
  name: 'confirmPayment',
  method: 'POST',
  path: '/qr/v1/payments/confirmations',
  status: 202,
  roles: ['retailer'],
  message: 'PaymentConfirmation',
  advice: true,
  docs: {
    tag: 'retailer',
    summary: 'Confirm a payment; stored, then delivered to the partner until it answers',
    responses: {
      202: { description: 'Accepted: the confirmation echoed', schema: 'PaymentConfirmation' },
      404: errorAnswer('Not Found: no such payment of this retailer'),
      ...PROTOCOL_FAILURES,
    },
  },
});

/** reversePayment (docs/protocol.md §7): 202 with the reversal echoed; 404 means nothing to reverse. */
export const reversePaymentOperation = defineOperation({
  name: 'reversePayment',
  method: 'POST',
  path: '/qr/v1/payments/reversals',
  status: 202,
  roles: ['retailer'],
  message: 'PaymentReversal',
  advice: true,
  docs: {
    tag: 'retailer',
    summary: 'Reverse a payment; stored, then delivered to the partner until it answers',
    responses: {
      202: { description: 'Accepted: the reversal echoed', schema: 'PaymentReversal' },
      404: errorAnswer('Not Found: nothing to reverse (a successful outcome for a reversal)'),
      ...PROTOCOL_FAILURES,
    },
  },
});
