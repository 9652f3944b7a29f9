/**
 * One HTTP exchange of the QR Payment Service Interface, as a client sees it
 * (protocol basics, docs/protocol.md §2): POST JSON with Basic auth, wait at most the
 * agreed timeout, classify the answer with the seed's status table, and hand
 * an answer that comes after the timeout to a callback without changing the
 * outcome already reported. No NestJS here: the hub's `electrum-http`
 * connector and the retailer client library (`@qr-hub/client`) both run on
 * it, so there is one place that turns HTTP into successful / failed / unknown.
 *
 * The Electrum interface is one dialect on top of `HttpExchange`: the
 * transport (pool, timeout, late answers, cap, TLS, signing) is there, and
 * this class adds the interface's auth default, its status table
 * (`electrumClassifier`) and its ErrorDetail.
 */
import { randomUUID } from 'node:crypto';
import { ErrorType, isErrorType } from './error-types';
import { ExchangeResult, HttpExchange } from './http-exchange';
import type { JsonBody } from './json';
import type { ErrorDetail as WireErrorDetail } from './messages';
import { AnswerClassifier, electrumClassifier, MessageKind, OutcomeClass } from './outcome';
import { basicAuth, RequestSigner } from './signing';

/** An ErrorDetail as the exchange reads or makes it: `errorType` is always one of the enum. */
type ErrorDetail = WireErrorDetail<ErrorType>;

/**
 * What one exchange came to.
 * - successful: 2xx (or 404 to a reversal); `body` is the answer (null when empty).
 * - failed: a definite no; `error` is the server's ErrorDetail, or one made up from the status.
 * - unknown: 500/504, timeout, connection error, or a 2xx to a request that cannot be read.
 */
export type ProtocolOutcome =
  | { kind: 'successful'; status: number; body: JsonBody | null }
  | { kind: 'failed'; status: number; body: JsonBody | null; error: ErrorDetail }
  | { kind: 'unknown'; status?: number; reason: string };

/** An answer that arrived after the exchange was already reported `unknown` (timeout). */
export interface ProtocolLateAnswer {
  status: number;
  body: JsonBody | null;
  /** What the answer would have meant had it come in time; informational only. */
  outcome: OutcomeClass;
  /** Epoch ms. */
  receivedAt: number;
}

/** How to reach one server. */
export interface ProtocolClientOptions {
  /** Origin plus base path, e.g. `https://hub.example/qr/v1`; `post` paths are appended. */
  baseUrl: string;
  /** With `password`: HTTP Basic auth, the interface's scheme. Not needed when `sign` is given. */
  username?: string;
  password?: string;
  /** Authenticates each request instead of Basic auth (`username`/`password` are then ignored). */
  sign?: RequestSigner;
  /** PEM CA(s) to trust instead of the system store (a private or self-signed server certificate). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** PEM client certificate for mutual TLS, with its `key` (and `passphrase` if the key is encrypted). */
  cert?: string | Buffer | Array<string | Buffer>;
  key?: string | Buffer | Array<string | Buffer>;
  passphrase?: string;
  /** Default true. False accepts any certificate: for a local demo only. */
  rejectUnauthorized?: boolean;
  /** Default timeout of an exchange; the protocol's 60 s unless agreed otherwise. */
  timeoutMs?: number;
  /** Connections kept open at most; requests beyond wait in the pool's queue. Default 64. */
  connections?: number;
  /** Names the server in made-up ErrorDetails (`Partner answered 502`). Default `Server`. */
  peerLabel?: string;
  /** Stamps late answers; injectable for tests. */
  now?: () => number;
}

/** Per-exchange options. */
export interface PostOptions {
  /** Give up after this long and report `unknown` (default: the client's timeout). */
  timeoutMs?: number;
  /** Told about an answer that arrives after the timeout (protocol: logged, but ignored). */
  onLateAnswer?: (answer: ProtocolLateAnswer) => void;
}

/**
 * A keep-alive connection pool to one server speaking the interface.
 *
 * Timeouts: `timeoutMs` decides the outcome (`unknown`, reason `timeout`), but
 * the request is not aborted then, so an answer that still comes reaches
 * `onLateAnswer` for reconciliation. Each request has a hard limit of
 * 2 × timeoutMs, at least timeoutMs + 10 s, after which its socket is dropped.
 */
export class ProtocolHttpClient {
  /** The default timeout of an exchange. */
  readonly timeoutMs: number;
  private readonly exchange: HttpExchange;
  private readonly classifier: AnswerClassifier = electrumClassifier;
  private readonly peerLabel: string;

  constructor(options: ProtocolClientOptions) {
    const { baseUrl, ca, cert, key, passphrase, rejectUnauthorized, timeoutMs, connections, now } = options;
    const sign = options.sign ?? basicAuthOf(options);
    this.exchange = new HttpExchange({
      baseUrl,
      sign,
      ca,
      cert,
      key,
      passphrase,
      rejectUnauthorized,
      timeoutMs,
      connections,
      now,
    });
    this.timeoutMs = this.exchange.timeoutMs;
    this.peerLabel = options.peerLabel ?? 'Server';
  }

  /** POSTs `message` to baseUrl + `path` and classifies the answer as `kind` (never rejects). */
  async post(path: string, message: object, kind: MessageKind, options: PostOptions = {}): Promise<ProtocolOutcome> {
    const { onLateAnswer } = options;
    const result = await this.exchange.send(path, {
      body: message,
      timeoutMs: options.timeoutMs,
      // Protocol basics: an answer after the timeout is logged but ignored.
      onLateAnswer:
        onLateAnswer &&
        ((late) =>
          onLateAnswer({
            status: late.status,
            body: late.body,
            outcome: this.classifier(late, kind),
            receivedAt: late.receivedAt,
          })),
    });
    return this.classify(result, kind, message as JsonBody);
  }

  /** Lets exchanges in flight finish for up to `graceMs` (default the timeout), then drops the sockets. */
  close(graceMs = this.timeoutMs): Promise<void> {
    return this.exchange.close(graceMs);
  }

  /** Turns what came off the wire into an outcome with the seed's status table (docs/protocol.md §2). */
  private classify(result: ExchangeResult, kind: MessageKind, message: JsonBody): ProtocolOutcome {
    if (result.kind === 'timeout') return { kind: 'unknown', reason: 'timeout' };
    if (result.kind === 'no-answer') return { kind: 'unknown', reason: result.reason };
    const { status, body } = result;
    switch (this.classifier(result, kind)) {
      case 'successful':
        // A 2xx to a request we cannot read may still have moved money: unknown, so it gets reversed.
        if (kind === 'request' && body === null) return { kind: 'unknown', status, reason: 'unreadable body' };
        return { kind: 'successful', status, body };
      case 'unknown':
        return { kind: 'unknown', status, reason: `status ${status}` };
      case 'failed':
        return { kind: 'failed', status, body, error: errorDetailOf(body, status, message, this.peerLabel) };
    }
  }
}

function basicAuthOf(options: ProtocolClientOptions): RequestSigner {
  if (options.username === undefined || options.password === undefined) {
    throw new Error('ProtocolHttpClient needs username and password (Basic auth), or sign');
  }
  return basicAuth(options.username, options.password);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The server's ErrorDetail when it sent a valid one; otherwise one made up
 * from the status, so a caller always has an errorType to act on or show.
 */
export function errorDetailOf(body: JsonBody | null, status: number, message: JsonBody, peer: string): ErrorDetail {
  const known = {
    id: str(body?.id) ?? str(message.id) ?? randomUUID(),
    originalId: str(body?.originalId) ?? str(message.requestId),
    tranId: str(body?.tranId) ?? str(message.tranId),
  };
  const base = Object.fromEntries(Object.entries(known).filter(([, v]) => v !== undefined)) as Pick<
    ErrorDetail,
    'id' | 'originalId' | 'tranId'
  >;
  if (body && isErrorType(body.errorType)) {
    const optional = ['providerErrorCode', 'providerErrorMsg', 'providerRef'] as const;
    const detail: ErrorDetail = {
      ...base,
      errorType: body.errorType,
      errorMessage: str(body.errorMessage) ?? `${peer} answered ${status}`,
    };
    for (const key of optional) if (str(body[key]) !== undefined) detail[key] = str(body[key]);
    if (body.detailMessage !== undefined) detail.detailMessage = body.detailMessage;
    return detail;
  }
  return {
    ...base,
    errorType: ErrorType.GENERAL_ERROR,
    errorMessage: `${peer} answered ${status}`,
    providerErrorCode: String(status),
    ...(str(body?.errorMessage) !== undefined && { providerErrorMsg: str(body?.errorMessage) }),
  };
}
