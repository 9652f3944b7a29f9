/**
 * The QR Payment Service Interface 1.7.0 without a framework: its messages,
 * its error types, the status table that classifies every answer, a
 * dialect-free HTTP exchange (pooled keep-alive, a timeout that reports and
 * still hands over the late answer, a body cap, a private CA, mutual TLS,
 * pluggable request signing), the Electrum client on top of it, and the
 * retry backoff of store-and-forward. See docs/protocol.md.
 */
export * from './messages';
export { ErrorType, ERROR_TYPES, isErrorType } from './error-types';
export type { ErrorTypeName } from './error-types';
export { classifyStatus, DEFAULT_TIMEOUT_MS, electrumClassifier } from './outcome';
export type { AnswerClassifier, MessageKind, OutcomeClass } from './outcome';
export { parseObject } from './json';
export type { JsonBody } from './json';
export { DEFAULT_CONNECTIONS, HttpExchange, MAX_RESPONSE_BYTES } from './http-exchange';
export type { ExchangeLateAnswer, ExchangeResult, HttpExchangeOptions, SendOptions } from './http-exchange';
export { errorDetailOf, ProtocolHttpClient } from './protocol-client';
export type { PostOptions, ProtocolClientOptions, ProtocolLateAnswer, ProtocolOutcome } from './protocol-client';
export { basicAuth, bearerToken, defaultStringToSign, hmacSignature } from './signing';
export type { HmacSignatureOptions, HttpMethod, RequestSigner, SignableRequest } from './signing';
export { backoffDelay } from './backoff';
export { trimTrailingSlashes } from './text';
