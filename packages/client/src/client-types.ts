/**
 * The retailer client library's public types: its options, what its calls
 * take and what they return.
 */
import type { OutcomeClass, ProtocolOutcome } from '@qr-hub/protocol';
import type { QueuedAdvice } from './advice-queue';
import type { AdviceRetryOptions } from './advice-sender';
import type { ClientLogger } from './client-logger';
import type {
  BasicAdvice,
  CreateQrCodeRequest,
  ErrorDetail,
  Institution,
  PaymentRequest,
  PaymentResponse,
  ReversalReason,
  ThirdPartyIdentifier,
} from '@qr-hub/protocol';

/** How a POS reaches its hub. */
export interface QrHubClientOptions {
  /**
   * The hub, e.g. `https://hub.example:8443`. Without a path the interface's
   * base path `/qr/v1` is added; with one (`https://proxy/x/qr/v1`) it is used as given.
   */
  hubUrl: string;
  /** Basic-auth username: the retailer's institution id, also `client.id` in every request. */
  username: string;
  password: string;
  /** PEM CA(s) to trust for the hub's certificate instead of the system store. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Default true. False accepts any certificate (a local demo only). */
  rejectUnauthorized?: boolean;
  /** Allow an `http://` hubUrl (behind a TLS-terminating proxy, or a test double). Default false. */
  allowPlainHttp?: boolean;
  /** The agreed timeout of every call. Default 60 000 ms, the protocol's. */
  timeoutMs?: number;
  /** The advice queue's SQLite file. Default `data/pos-queue.sqlite`, relative to the working directory. */
  queueFile?: string;
  /** Backoff of advice delivery. */
  retry?: AdviceRetryOptions;
  /** Default: warnings and errors to the console. */
  logger?: ClientLogger;
  /** Told about every answer that came after the timeout (already logged; it changes nothing). */
  onLateAnswer?: (answer: LateAnswerEvent) => void;
  /** Told just before each request is sent (tracing, a till's debug screen). */
  onRequest?: (request: Pick<Exchange, 'operation' | 'path' | 'message'>) => void;
  /** Told when each exchange with the hub has an outcome. */
  onExchange?: (exchange: Exchange) => void;
  /** Connections kept open to the hub at most. Default 8. */
  connections?: number;
}

/** The operations a POS calls. */
export type Operation = 'createQrCode' | 'pay' | 'confirm' | 'reverse';

/** One request to the hub and what it came to. */
export interface Exchange {
  operation: Operation;
  /** Path below the base path, e.g. `/payments`. */
  path: string;
  message: object;
  outcome: ProtocolOutcome;
  durationMs: number;
}

/** An answer that arrived after the client had given up on it. */
export interface LateAnswerEvent {
  operation: Operation;
  /** The `id` of the message it answers. */
  messageId: string;
  status: number;
  body: Record<string, unknown> | null;
  /** What it would have meant in time. */
  outcome: OutcomeClass;
  receivedAt: number;
}

/** A CreateQrCodeRequest without `id` and `time`: the client fills them (a fresh UUIDv4, now). */
export type CreateQrCodeInput = Omit<CreateQrCodeRequest, 'id' | 'time'> & { time?: string };

/** A PaymentRequest without `id` and `time`: the client fills them (a fresh UUIDv4, now). */
export type PayInput = Omit<PaymentRequest, 'id' | 'time'> & { time?: string };

/**
 * What `pay` came to.
 * - approved: the partner approved; confirm it (or reverse it) next.
 * - declined: a definite no (any *failed* status, incl. the hub's 503
 *   UPSTREAM_UNAVAILABLE): nothing to settle.
 * - unknown: no final answer (500, 504, timeout, connection error, unreadable
 *   answer). The client has already queued a timeout reversal; the sale failed.
 */
export type PayOutcome =
  | { outcome: 'approved'; requestId: string; response: PaymentResponse }
  | { outcome: 'declined'; requestId: string; status: number; error: ErrorDetail }
  | { outcome: 'unknown'; requestId: string; reason: string; reversalQueued: true; reversal: QueuedAdvice };

/**
 * The payment an advice settles: its request id, or the PaymentResponse /
 * PaymentRequest (its `tranId` and identifiers are then copied into the advice).
 */
export type PaymentRef =
  string | { id: string; tranId?: string; thirdPartyIdentifiers?: ThirdPartyIdentifier[]; partner?: Institution };

/** Optional advice fields; absent `amounts` means the full amount. */
export type AdviceFields = Partial<Omit<BasicAdvice, 'id' | 'requestId'>>;

/** Optional reversal fields; the reason defaults to CANCELLED. */
export type ReversalFields = AdviceFields & { reversalReason?: ReversalReason };

/** A `createQrCode` that did not succeed. */
export class QrHubError extends Error {
  constructor(
    message: string,
    /** failed: a definite no; unknown: no final answer (for a QR code nothing needs undoing). */
    readonly outcome: 'failed' | 'unknown',
    readonly status?: number,
    readonly error?: ErrorDetail,
  ) {
    super(message);
    this.name = 'QrHubError';
  }
}
