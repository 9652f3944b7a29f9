/**
 * The QR Payment Service Interface 1.7.0 without a framework: its messages,
 * its error types, the status table that classifies every answer, one HTTP
 * exchange (pooled keep-alive, a timeout that reports unknown and still hands
 * over the late answer, a body cap, a private CA, pluggable request signing) and
 * the retry backoff of store-and-forward. See docs/protocol.md.
 */
export * from './messages';
export { ErrorType, ERROR_TYPES, isErrorType } from './error-types';
export type { ErrorTypeName } from './error-types';
export { classifyStatus, DEFAULT_TIMEOUT_MS } from './outcome';
export type { MessageKind, OutcomeClass } from './outcome';
export { DEFAULT_CONNECTIONS, errorDetailOf, parseObject, ProtocolHttpClient } from './protocol-client';
export type {
  JsonBody,
  PostOptions,
  ProtocolClientOptions,
  ProtocolLateAnswer,
  ProtocolOutcome,
} from './protocol-client';
export { basicAuth } from './signing';
export type { RequestSigner, SignableRequest } from './signing';
export { backoffDelay } from './backoff';
export { trimTrailingSlashes } from './text';
