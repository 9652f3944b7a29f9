import { defineOperation } from '@app/operations/operation';
import { PROTOCOL_FAILURES } from '@app/operations/protocol-responses';

/** createQrCode (docs/protocol.md §1, §4): a retailer asks for a code for its till to show. */
export const createQrCodeOperation = defineOperation({
  name: 'createQrCode',
  method: 'POST',
  path: '/qr/v1/qrCodes',
  status: 201,
  roles: ['retailer'],
  identityField: 'client',
  message: 'CreateQrCodeRequest',
  advice: false,
  startsWork: true,
  docs: {
    tag: 'retailer',
    summary: 'Issue a QR code for the till to show',
    responses: { 201: { description: 'Created', schema: 'CreateQrCodeResponse' }, ...PROTOCOL_FAILURES },
  },
});
