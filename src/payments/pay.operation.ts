import { defineOperation } from '@app/operations/operation';
import { PROTOCOL_FAILURES } from '@app/operations/protocol-responses';

/** pay (docs/protocol.md §5): held open until the partner's scan, then 201 PaymentResponse. */
export const payOperation = defineOperation({
  name: 'pay',
  method: 'POST',
  path: '/qr/v1/payments',
  status: 201,
  roles: ['retailer'],
  identityField: 'client',
  message: 'PaymentRequest',
  advice: false,
  startsWork: true,
  docs: {
    tag: 'retailer',
    summary: "Pay against a QR code; held until the partner's scan, then forwarded to that partner",
    responses: {
      201: { description: 'Created: the partner approved', schema: 'PaymentResponse' },
      ...PROTOCOL_FAILURES,
    },
  },
});
