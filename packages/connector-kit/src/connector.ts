import type {
  ErrorDetail,
  JsonBody,
  OutcomeClass,
  PaymentConfirmation,
  PaymentRequest,
  PaymentResponse,
  PaymentReversal,
} from '@qr-hub/protocol';

/**
 * What a partner said to one call, in the protocol's terms (docs/adding-a-connector.md):
 * - successful: the partner accepted; `body` is its answer as a protocol message.
 * - failed: a definite no; `error` says why, as an ErrorDetail the retailer can act on.
 * - unknown: the partner may or may not have acted (timeout, connection lost, 5xx the dialect
 *   calls unknown, an answer that cannot be read). The hub reverses an unknown payment.
 *
 * `status` is the HTTP status when there was one (metrics and the audit trail show it).
 * `partnerRef` is the partner's own reference for the payment (e.g. a charge id): the hub
 * stores it with the payment, in the same transaction as the outcome, and hands it back to
 * `confirm` and `reverse`, also after a restart or on another instance.
 */
export type PartnerOutcome<TBody> =
  | { kind: 'successful'; status?: number; body: TBody; partnerRef?: string }
  | { kind: 'failed'; status?: number; error: ErrorDetail; partnerRef?: string }
  | { kind: 'unknown'; status?: number; reason: string; partnerRef?: string };

/** The outcome of a payment: an approval carries the swagger PaymentResponse. */
export type PayOutcome = PartnerOutcome<PaymentResponse>;

/** The outcome of an advice: the partner's answer, when it sent one (Electrum echoes the advice). */
export type AdviceOutcome = PartnerOutcome<JsonBody | null>;

/** A partner's answer to a payment that came after the connector had already reported `unknown`. */
export interface LateAnswer {
  status?: number;
  /** The answer as received (the dialect's own shape). */
  body: JsonBody | null;
  /** What the answer would have meant had it come in time; informational, it changes nothing. */
  outcome?: OutcomeClass;
  /** The partner's reference, when the late answer carries one: the hub stores it for the reversal. */
  partnerRef?: string;
  /** Epoch ms. */
  receivedAt: number;
}

/** How the hub calls `pay`. */
export interface PayCall {
  /** Report `unknown` (reason `timeout`) after this long; the timeout runs from when the request is sent. */
  timeoutMs: number;
  /** Told about an answer that arrives after the timeout: recorded for reconciliation, changes nothing. */
  onLateAnswer?: (answer: LateAnswer) => void;
}

/** How the hub calls `confirm` and `reverse`. */
export interface AdviceCall {
  timeoutMs: number;
  /**
   * The partner's reference from the payment's outcome (or its late answer); null when the hub
   * never learnt one (the payment timed out before any answer). The connector then decides,
   * e.g. looks the payment up by the hub's request id (`advice.requestId`), or treats a
   * partner that never saw the payment as nothing to reverse.
   */
  partnerRef: string | null;
}

/**
 * One partner, reached through one connector. The hub builds protocol messages and never
 * knows a partner's wire format; a connector translates, sends and classifies. It never
 * touches the hub's storage: what it must remember about a payment goes in `partnerRef`.
 * Calls never reject: a failure to reach the partner is an `unknown` outcome.
 */
export interface PartnerConnector {
  pay(request: PaymentRequest, call: PayCall): Promise<PayOutcome>;
  confirm(advice: PaymentConfirmation, call: AdviceCall): Promise<AdviceOutcome>;
  reverse(advice: PaymentReversal, call: AdviceCall): Promise<AdviceOutcome>;
  /** Releases sockets and timers (on shutdown), letting calls in flight finish first. */
  close?(): Promise<void>;
}
