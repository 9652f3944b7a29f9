import { ErrorType } from './error-type';

/**
 * Base of every error a service throws. It says what went wrong in the
 * payments domain: the protocol's `errorType`, a till-friendly message and the
 * ids it knows. The HTTP status an error is answered with is not its own: the
 * error filter looks it up in `HTTP_STATUS` (src/errors/http-status.ts).
 * Services never build HTTP responses themselves (STYLE: errors).
 */
export abstract class HubError extends Error {
  protected constructor(
    readonly errorType: ErrorType,
    message: string,
    readonly extra: HubErrorExtra = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Optional `ErrorDetail` fields a service may know when it fails. */
export interface HubErrorExtra {
  tranId?: string;
  originalId?: string;
  detailMessage?: unknown;
  providerErrorCode?: string;
  providerErrorMsg?: string;
  providerRef?: string;
  /** Extra response headers (e.g. `WWW-Authenticate`). */
  headers?: Record<string, string>;
}

// ── The message ─────────────────────────────────────────────────────────────

/** A message (or a field of it) breaks the interface's rules, or is not JSON. */
export class FormatError extends HubError {
  constructor(message: string, detailMessage?: unknown) {
    super(ErrorType.FORMAT_ERROR, message, { detailMessage });
  }
}

/** The body is larger than the hub reads (`BODY_LIMIT_BYTES`). */
export class MessageTooLargeError extends HubError {
  constructor(message = 'Message too large') {
    super(ErrorType.FORMAT_ERROR, message);
  }
}

/** The body is not in a content type or encoding the hub reads. */
export class UnsupportedMediaTypeError extends HubError {
  constructor(message: string) {
    super(ErrorType.FORMAT_ERROR, message);
  }
}

/** The request-target (path and query) is longer than the hub reads. */
export class RequestTargetTooLongError extends HubError {
  constructor() {
    super(ErrorType.FORMAT_ERROR, 'Request target too long');
  }
}

/** The caller accepts no representation the hub can give (e.g. no QR image type). */
export class NotAcceptableError extends HubError {
  constructor(message: string) {
    super(ErrorType.FORMAT_ERROR, message);
  }
}

/** The path names no operation of the hub. */
export class UnknownOperationError extends HubError {
  constructor() {
    super(ErrorType.FUNCTION_NOT_SUPPORTED, 'Unknown operation');
  }
}

/** The operation exists, but not with this method. */
export class UnsupportedMethodError extends HubError {
  constructor() {
    super(ErrorType.FUNCTION_NOT_SUPPORTED, 'Method not supported');
  }
}

/** The message id (or a record it would create) was used before. */
export class DuplicateRecordError extends HubError {
  constructor(message = 'Duplicate message id', extra: HubErrorExtra = {}) {
    super(ErrorType.DUPLICATE_RECORD, message, extra);
  }
}

// ── Business rules ──────────────────────────────────────────────────────────

/** The tranId names no QR code that can be paid or scanned (unknown, expired, in use, paid). */
export class InvalidTranIdError extends HubError {
  constructor(message: string, tranId?: string) {
    super(ErrorType.INVALID_TRAN_ID, message, { tranId });
  }
}

/** An amount or currency the QR code, the payment or the encoding does not allow. */
export class InvalidAmountError extends HubError {
  constructor(message: string, extra: HubErrorExtra = {}) {
    super(ErrorType.INVALID_AMOUNT, message, extra);
  }
}

/** The QR code a caller asked for does not exist (or is not theirs). */
export class QrCodeNotFoundError extends HubError {
  constructor(extra: HubErrorExtra = {}) {
    super(ErrorType.UNABLE_TO_LOCATE_RECORD, 'QR code not found', extra);
  }
}

/** An advice refers to a payment request the hub does not know (docs/protocol.md §7). */
export class PaymentNotFoundError extends HubError {
  constructor(extra: HubErrorExtra = {}) {
    super(ErrorType.UNABLE_TO_LOCATE_RECORD, 'Payment not found', extra);
  }
}

/** A scan of a live QR code that no payment waits for and that cannot be kept as early (docs/protocol.md §6). */
export class NoPaymentWaitingForScanError extends HubError {
  constructor(tranId: string) {
    super(ErrorType.UNABLE_TO_LOCATE_RECORD, 'No payment waiting for this code', { tranId });
  }
}

/** The scanning partner is not in the operator's config. */
export class PartnerNotConfiguredError extends HubError {
  constructor(tranId: string) {
    super(ErrorType.PARTNER_UNKNOWN, 'Partner not configured', { tranId });
  }
}

// ── Operators ───────────────────────────────────────────────────────────────

/** The operator's search matched no transaction. */
export class TransactionNotFoundError extends HubError {
  constructor() {
    super(ErrorType.UNABLE_TO_LOCATE_RECORD, 'No transaction for this id');
  }
}

/** The outbox entry an operator acts on does not exist. */
export class OutboxEntryNotFoundError extends HubError {
  constructor() {
    super(ErrorType.UNABLE_TO_LOCATE_RECORD, 'Advice not found');
  }
}

/** An operator retried or resolved an outbox entry that is not parked. */
export class OutboxEntryNotParkedError extends HubError {
  constructor() {
    super(ErrorType.TRANSACTION_NOT_SUPPORTED, 'Advice is not parked');
  }
}

// ── Callers ─────────────────────────────────────────────────────────────────

/**
 * A connection that failed authentication is not kept alive: a guesser pays a
 * new (TLS) connection for every attempt and holds no socket between them.
 */
const CLOSE_CONNECTION = { Connection: 'close' } as const;

/** No credential, or a wrong one. */
export class AuthenticationError extends HubError {
  constructor(message = 'Authentication required') {
    super(ErrorType.GENERAL_ERROR, message, {
      headers: { 'WWW-Authenticate': 'Basic realm="qr"', ...CLOSE_CONNECTION },
    });
  }
}

/** An authenticated caller whose role or identity does not allow this. */
export class ForbiddenError extends HubError {
  constructor(message = 'Not permitted') {
    super(ErrorType.GENERAL_ERROR, message);
  }
}

/** Too many failed logins from this caller: the login throttle holds it off. */
export class TooManyAttemptsError extends HubError {
  constructor(retryAfterSeconds: number) {
    super(ErrorType.GENERAL_ERROR, 'Too many failed logins', {
      headers: { 'Retry-After': String(retryAfterSeconds), ...CLOSE_CONNECTION },
    });
  }
}

// ── The hub itself ──────────────────────────────────────────────────────────

/** The database could not be reached: nothing was done (docs/protocol.md §10). */
export class StorageUnavailableError extends HubError {
  constructor() {
    super(ErrorType.GENERAL_ERROR, 'Service temporarily unavailable');
  }
}

/**
 * The database could not be reached while accepting an advice: the advice
 * must stay with its sender, so its outcome is unknown (docs/protocol.md §10).
 */
export class AdviceStorageUnavailableError extends HubError {
  constructor() {
    super(ErrorType.GENERAL_ERROR, 'Service temporarily unavailable');
  }
}

/** The hub is not ready to take traffic (health/ready). */
export class NotReadyError extends HubError {
  constructor(detailMessage: unknown) {
    super(ErrorType.GENERAL_ERROR, 'Not ready', { detailMessage });
  }
}

/** An unexpected fault; answered without internals. */
export class InternalError extends HubError {
  constructor() {
    super(ErrorType.GENERAL_ERROR, 'Internal error');
  }
}
