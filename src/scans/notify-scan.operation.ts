import { defineOperation } from '@app/operations/operation';
import { PROTOCOL_FAILURES } from '@app/operations/protocol-responses';

/** notifyScan (docs/protocol.md §6): a partner tells the hub a code was scanned; 202 with an empty body. */
export const notifyScanOperation = defineOperation({
  name: 'notifyScan',
  method: 'POST',
  path: '/qr/v1/scans',
  status: 202,
  roles: ['partner'],
  identityField: 'partner',
  message: 'ScanNotification',
  advice: false,
  startsWork: true,
  docs: {
    tag: 'partner',
    summary: "A partner's customer scanned a QR code; releases the waiting payment",
    responses: { 202: { description: 'Accepted (empty body)' }, ...PROTOCOL_FAILURES },
  },
});
