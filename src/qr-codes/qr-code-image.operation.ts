import { defineOperation } from '@app/operations/operation';
import { errorAnswer } from '@app/operations/protocol-responses';
import { QR_IMAGE_TYPES } from './qr-image';

const binary = { schema: { type: 'string', format: 'binary' } };

/**
 * The image of a QR code for a till that cannot draw one (docs/protocol.md §11):
 * not an interface operation, but a retailer's call. PNG or SVG by Accept.
 */
export const qrCodeImageOperation = defineOperation({
  name: 'qrCodeImage',
  method: 'GET',
  path: '/qr/v1/qrCodes/:tranId/image',
  status: 200,
  roles: ['retailer'],
  advice: false,
  docs: {
    tag: 'retailer',
    summary: 'The QR code as a PNG or SVG image, chosen by Accept',
    params: { tranId: 'The tranId of the CreateQrCodeResponse' },
    produces: [QR_IMAGE_TYPES.png, QR_IMAGE_TYPES.svg],
    responses: {
      200: { description: 'The image', content: { [QR_IMAGE_TYPES.png]: binary, [QR_IMAGE_TYPES.svg]: binary } },
      401: errorAnswer('No or wrong credentials'),
      403: errorAnswer('Not a retailer'),
      404: errorAnswer('UNABLE_TO_LOCATE_RECORD: no such code of this retailer'),
      406: errorAnswer('FORMAT_ERROR: Accept names neither image/png nor image/svg+xml'),
    },
  },
});
