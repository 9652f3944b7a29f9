import type { PartnerConfig } from '@app/config/hub-config.schema';
import type { ErrorDetail } from '@app/errors/error-detail';
import type { JsonObject } from '@app/persistence/column-types';

/**
 * What a partner said to one call (docs/protocol.md §8), already classified with the
 * seed's status table (`classifyStatus` of `@qr-hub/protocol`).
 * - successful: the partner accepted; `body` is its response (may be empty for advices).
 * - failed: a definite no; `error` is the partner's ErrorDetail (or one made up from the status).
 * - unknown: 500/504, timeout, connection error or an unreadable answer.
 */
export type PartnerOutcome =
  | { kind: 'successful'; status: number; body: JsonObject | null }
  | { kind: 'failed'; status: number; error: ErrorDetail }
  | { kind: 'unknown'; status?: number; reason: string };

/** A partner answer that came after the connector had already reported `unknown`. */
export interface LateAnswer {
  status: number;
  body: JsonObject | null;
  receivedAt: number;
}

export interface PartnerCallOptions {
  /** Give up after this long and report `unknown` (docs/protocol.md §5: partnerTimeoutMs). */
  timeoutMs: number;
  /** Told about an answer that arrives after the timeout (docs/protocol.md §5: recorded, changes nothing). */
  onLateAnswer?: (answer: LateAnswer) => void;
}

/**
 * One partner, reached through one connector. The core builds protocol
 * messages (the swagger PaymentRequest / PaymentConfirmation / PaymentReversal,
 * as plain JSON) and never knows a partner's wire format; a connector
 * translates, sends, and classifies. A connector never touches the database.
 */
export interface PartnerConnector {
  pay(request: JsonObject, options: PartnerCallOptions): Promise<PartnerOutcome>;
  confirm(advice: JsonObject, options: PartnerCallOptions): Promise<PartnerOutcome>;
  reverse(advice: JsonObject, options: PartnerCallOptions): Promise<PartnerOutcome>;
  /** Releases sockets and timers (on shutdown). */
  close?(): Promise<void>;
}

/**
 * A kind of connector (e.g. `electrum-http`), registered with
 * `@PartnerConnectorType('name')` and found through Nest's DiscoveryService,
 * so core code imports no connector. It makes one PartnerConnector per
 * configured partner that names it.
 */
export interface PartnerConnectorFactory {
  /** Problems with this partner's config, as `key: problem` lines (start-up fails on any). */
  validate(partner: PartnerConfig): string[];
  create(partner: PartnerConfig): PartnerConnector;
}
