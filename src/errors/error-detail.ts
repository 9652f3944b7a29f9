import type { ErrorDetail as ProtocolErrorDetail } from '@qr-hub/protocol';
import { ErrorType } from './error-type';

/** One validation violation, as Electrum's own servers report them (docs/protocol.md §2). */
export interface FieldViolation {
  messageProperty: string;
  field: string;
  error: string;
  invalidValue: unknown;
}

/**
 * The swagger `ErrorDetail` body carried by every non-2xx response
 * (docs/protocol.md §2): the protocol package's message, its `errorType`
 * always one of the hub's enum.
 */
export type ErrorDetail = ProtocolErrorDetail<ErrorType>;

/** The swagger caps `errorMessage` at 40 characters: it is shown on a till. */
export const ERROR_MESSAGE_MAX = 40;

export function tillMessage(message: string): string {
  return message.length <= ERROR_MESSAGE_MAX ? message : `${message.slice(0, ERROR_MESSAGE_MAX - 1)}…`;
}
