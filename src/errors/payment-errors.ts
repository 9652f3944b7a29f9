import { ErrorType } from './error-type';
import { HubError, HubErrorExtra } from './hub-error';

/** docs/protocol.md §5.4: no scan in time; nothing went upstream, so no reversal is needed. */
export class NoScanReceivedError extends HubError {
  constructor(tranId: string) {
    super(ErrorType.NO_SCAN_RECEIVED, 'No scan received in time', { tranId });
  }
}

/** docs/protocol.md §5.5: the partner's outcome is unknown; the hub reverses it, so for the retailer it failed. */
export class UpstreamUnavailableError extends HubError {
  constructor(tranId: string) {
    super(ErrorType.UPSTREAM_UNAVAILABLE, 'Partner unavailable, payment reversed', { tranId });
  }
}

/** docs/protocol.md §5.5: the partner declined; its errorType and provider codes are passed on. */
export class PartnerDeclinedError extends HubError {
  constructor(errorType: ErrorType, message: string, extra: HubErrorExtra) {
    super(errorType, message, extra);
  }
}

/** docs/protocol.md §10: the hub is stopping while the payment waits for its scan; nothing went upstream. */
export class ShuttingDownError extends HubError {
  constructor(tranId: string) {
    super(ErrorType.GENERAL_ERROR, 'Hub shutting down, try again', { tranId });
  }
}

/**
 * The retailer already has `limits.heldPaymentsPerRetailer` payments waiting
 * for their scan: this one is refused before anything is stored or sent.
 */
export class TooManyHeldPaymentsError extends HubError {
  constructor(tranId: string) {
    super(ErrorType.GENERAL_ERROR, 'Too many payments waiting for a scan', { tranId });
  }
}

/**
 * The hub cannot take new work now (overload, src/partners/admission.ts): refused
 * at once, before anything is stored or sent, so the caller can simply repeat it.
 */
export class HubBusyError extends HubError {
  constructor(tranId: string | undefined) {
    super(ErrorType.GENERAL_ERROR, 'Hub busy: nothing done, try again', { tranId });
  }
}

/** docs/protocol.md §7: the retailer reversed this request id before the request itself arrived. */
export class AlreadyReversedError extends HubError {
  constructor() {
    super(ErrorType.ACCOUNT_ALREADY_SETTLED, 'Payment already reversed');
  }
}
