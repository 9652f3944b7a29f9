import { PaymentAlreadySettledError, PaymentNotConfirmableError } from './advice-errors';
import {
  AlreadyReversedError,
  NoScanReceivedError,
  PartnerDeclinedError,
  ShuttingDownError,
  TooManyHeldPaymentsError,
  HubBusyError,
  UpstreamUnavailableError,
} from './payment-errors';
import {
  AdviceStorageUnavailableError,
  AuthenticationError,
  DuplicateRecordError,
  ForbiddenError,
  FormatError,
  HubError,
  InternalError,
  InvalidAmountError,
  InvalidTranIdError,
  MessageTooLargeError,
  NoPaymentWaitingForScanError,
  NotAcceptableError,
  NotReadyError,
  OutboxEntryNotFoundError,
  OutboxEntryNotParkedError,
  PartnerNotConfiguredError,
  PaymentNotFoundError,
  QrCodeNotFoundError,
  RequestTargetTooLongError,
  StorageUnavailableError,
  TooManyAttemptsError,
  TransactionNotFoundError,
  UnknownOperationError,
  UnsupportedMediaTypeError,
  UnsupportedMethodError,
} from './hub-error';

type HubErrorClass = abstract new (...args: never[]) => HubError;

/**
 * The HTTP status each domain error is answered with (docs/protocol.md §2: a
 * business decline is 400 with its errorType; an unknown record an advice
 * refers to is 404; …). The error filter is its reader: services say what went
 * wrong, this table says how HTTP puts it. A class missing here fails
 * src/errors/http-status.spec.ts.
 */
export const HTTP_STATUS: ReadonlyMap<HubErrorClass, number> = new Map<HubErrorClass, number>([
  // The message
  [FormatError, 400],
  [DuplicateRecordError, 400],
  [MessageTooLargeError, 413],
  [UnsupportedMediaTypeError, 415],
  [RequestTargetTooLongError, 414],
  [NotAcceptableError, 406],
  [UnknownOperationError, 404],
  [UnsupportedMethodError, 501],
  // Business rules: declines are 400 with their errorType
  [InvalidTranIdError, 400],
  [InvalidAmountError, 400],
  [PartnerNotConfiguredError, 400],
  [NoPaymentWaitingForScanError, 400],
  [NoScanReceivedError, 400],
  [PartnerDeclinedError, 400],
  [AlreadyReversedError, 400],
  [PaymentAlreadySettledError, 400],
  [PaymentNotConfirmableError, 400],
  [QrCodeNotFoundError, 404],
  [PaymentNotFoundError, 404],
  // Payments the hub cannot carry out now: failed, nothing left pending (docs/protocol.md §5.5, §10)
  [UpstreamUnavailableError, 503],
  [ShuttingDownError, 503],
  [TooManyHeldPaymentsError, 503],
  [HubBusyError, 503],
  // Operators
  [TransactionNotFoundError, 404],
  [OutboxEntryNotFoundError, 404],
  [OutboxEntryNotParkedError, 400],
  // Callers (docs/protocol.md §3)
  [AuthenticationError, 401],
  [ForbiddenError, 403],
  [TooManyAttemptsError, 429],
  // The hub itself (docs/protocol.md §10)
  [StorageUnavailableError, 503],
  [AdviceStorageUnavailableError, 500],
  [NotReadyError, 503],
  [InternalError, 500],
]);

/** The status `error` is answered with; throws for a class the table does not know. */
export function httpStatusOf(error: HubError): number {
  const status = HTTP_STATUS.get(error.constructor as HubErrorClass);
  if (status === undefined) throw new Error(`No HTTP status for ${error.constructor.name} (src/errors/http-status.ts)`);
  return status;
}
