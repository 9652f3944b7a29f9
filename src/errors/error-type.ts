/** The `ErrorDetail.errorType` enum of the interface, defined once in the protocol package. */
export { ErrorType, ERROR_TYPES, isErrorType } from '@qr-hub/protocol';
