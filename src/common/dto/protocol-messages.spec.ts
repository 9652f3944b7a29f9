import type { CreateQrCodeRequestDto } from '@app/common/dto/create-qr-code-request.dto';
import type { CreateQrCodeResponse as HubCreateQrCodeResponse } from '@app/common/dto/create-qr-code-response';
import type { PaymentConfirmationDto } from '@app/common/dto/payment-confirmation.dto';
import type { PaymentRequestDto } from '@app/common/dto/payment-request.dto';
import type { PaymentResponse as HubPaymentResponse } from '@app/common/dto/payment-response';
import type { PaymentReversalDto } from '@app/common/dto/payment-reversal.dto';
import type { ScanNotificationDto } from '@app/common/dto/scan-notification.dto';
import type { ErrorDetail as HubErrorDetail } from '@app/errors/error-detail';
import { ERROR_TYPES } from '@app/errors/error-type';
import type {
  CreateQrCodeRequest,
  CreateQrCodeResponse,
  ErrorDetail,
  ErrorTypeName,
  PaymentConfirmation,
  PaymentRequest,
  PaymentResponse,
  PaymentReversal,
  ScanNotification,
} from '@qr-hub/protocol';

/** True only when A and B are assignable both ways: the same shape. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/*
 * Compile-time: `npm run typecheck` fails here when the protocol package's
 * message types and the hub's DTOs (both mirroring the swagger) drift apart.
 * The runtime test only keeps jest from reporting an empty suite.
 */
const sameShapes: Array<true> = [
  true satisfies Same<CreateQrCodeRequest, CreateQrCodeRequestDto>,
  true satisfies Same<CreateQrCodeResponse, HubCreateQrCodeResponse>,
  true satisfies Same<PaymentRequest, PaymentRequestDto>,
  true satisfies Same<PaymentResponse, HubPaymentResponse>,
  true satisfies Same<PaymentConfirmation, PaymentConfirmationDto>,
  true satisfies Same<PaymentReversal, PaymentReversalDto>,
  true satisfies Same<ScanNotification, ScanNotificationDto>,
];
// The hub's ErrorDetail (an enum errorType) is what the HTTP exchange returns; it must fit the POS's.
const hubErrorFits: ErrorDetail = {} as HubErrorDetail;

describe('the protocol package message types', () => {
  it('mirror the hub DTOs (checked by the compiler)', () => {
    expect(sameShapes.every(Boolean)).toBe(true);
    expect(hubErrorFits).toBeDefined();
  });

  it('name every ErrorType of the swagger', () => {
    const names: ErrorTypeName[] = [...ERROR_TYPES];
    expect(names).toContain('DUPLICATE_RECORD');
  });
});
