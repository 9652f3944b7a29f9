import { ErrorType } from './error-type';

/**
 * Base of every error a service throws. It carries the protocol's `errorType`,
 * a till-friendly message and the HTTP status the filter will answer with;
 * services never build HTTP responses themselves (STYLE: errors).
 */
export class HubError extends Error {
  constructor(
    readonly errorType: ErrorType,
    message: string,
    readonly status: number = 400,
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

export class DuplicateRecordError extends HubError {
  constructor(message = 'Duplicate message id', extra: HubErrorExtra = {}) {
    super(ErrorType.DUPLICATE_RECORD, message, 400, extra);
  }
}

export class FormatError extends HubError {
  constructor(message: string, detailMessage?: unknown, status = 400) {
    super(ErrorType.FORMAT_ERROR, message, status, { detailMessage });
  }
}

export class InvalidTranIdError extends HubError {
  constructor(message: string, tranId?: string) {
    super(ErrorType.INVALID_TRAN_ID, message, 400, { tranId });
  }
}

export class InvalidAmountError extends HubError {
  constructor(message: string, extra: HubErrorExtra = {}) {
    super(ErrorType.INVALID_AMOUNT, message, 400, extra);
  }
}

export class RecordNotFoundError extends HubError {
  constructor(message: string, extra: HubErrorExtra = {}, status = 404) {
    super(ErrorType.UNABLE_TO_LOCATE_RECORD, message, status, extra);
  }
}

/**
 * A connection that failed authentication is not kept alive: a guesser pays a
 * new (TLS) connection for every attempt and holds no socket between them.
 */
const CLOSE_CONNECTION = { Connection: 'close' } as const;

export class AuthenticationError extends HubError {
  constructor(message = 'Authentication required') {
    super(ErrorType.GENERAL_ERROR, message, 401, {
      headers: { 'WWW-Authenticate': 'Basic realm="qr"', ...CLOSE_CONNECTION },
    });
  }
}

export class ForbiddenError extends HubError {
  constructor(message = 'Not permitted') {
    super(ErrorType.GENERAL_ERROR, message, 403);
  }
}

export class TooManyAttemptsError extends HubError {
  constructor(retryAfterSeconds: number) {
    super(ErrorType.GENERAL_ERROR, 'Too many failed logins', 429, {
      headers: { 'Retry-After': String(retryAfterSeconds), ...CLOSE_CONNECTION },
    });
  }
}

export class FunctionNotSupportedError extends HubError {
  constructor(message = 'Function not supported', status = 501) {
    super(ErrorType.FUNCTION_NOT_SUPPORTED, message, status);
  }
}

/** The database could not be reached: a definite failure unless the caller says otherwise (docs/protocol.md §10). */
export class StorageUnavailableError extends HubError {
  constructor(status = 503) {
    super(ErrorType.GENERAL_ERROR, 'Service temporarily unavailable', status);
  }
}
