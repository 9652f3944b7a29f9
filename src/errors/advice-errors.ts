import { ErrorType } from './error-type';
import { HubError, HubErrorExtra } from './hub-error';

/** docs/protocol.md §7: the payment was already confirmed or reversed the other way. */
export class PaymentAlreadySettledError extends HubError {
  constructor(message: string, extra: HubErrorExtra) {
    super(ErrorType.ACCOUNT_ALREADY_SETTLED, message, extra);
  }
}

/** docs/protocol.md §7: a confirmation of a payment that was not approved, or is not complete yet. */
export class PaymentNotConfirmableError extends HubError {
  constructor(message: string, extra: HubErrorExtra) {
    super(ErrorType.TRANSACTION_NOT_SUPPORTED, message, extra);
  }
}
