/**
 * One HTTP exchange of the QR Payment Service Interface, as a client sees it
 * (protocol basics, docs/protocol.md §2): POST JSON with Basic auth, wait at most the
 * agreed timeout, classify the answer with the seed's status table, and hand
 * an answer that comes after the timeout to a callback without changing the
 * outcome already reported. No NestJS here: the hub's `electrum-http`
 * connector and the retailer client library (`@qr-hub/client`) both run on
 * it, so there is one place that turns HTTP into successful / failed / unknown.
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { ErrorType, isErrorType } from './error-types';
import type { ErrorDetail as WireErrorDetail } from './messages';
import { classifyStatus, DEFAULT_TIMEOUT_MS, MessageKind, OutcomeClass } from './outcome';
import { basicAuth, RequestSigner } from './signing';
import { trimTrailingSlashes } from './text';

/** An ErrorDetail as the exchange reads or makes it: `errorType` is always one of the enum. */
type ErrorDetail = WireErrorDetail<ErrorType>;

/** A JSON object as read off the wire. */
export type JsonBody = Record<string, unknown>;

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

/** Connections kept open to one server at most, unless configured. */
export const DEFAULT_CONNECTIONS = 64;
/** An answer bigger than this is not a protocol message; treated as unreadable. */
const MAX_RESPONSE_BYTES = 1024 * 1024;
/* Below Node's default server keep-alive (5 s), so this side, not the server,
   closes idle sockets; a server closing one just as a payment is written
   would turn that payment into an unknown outcome and a reversal. */
const KEEP_ALIVE_MS = 4_000;
/* How long past the timeout a request may still wait for a late answer, at
   least: short timeouts (tests, 100 ms) still leave room for one. */
const LATE_ANSWER_WINDOW_MS = 10_000;

/** An HTTP answer as read off the wire, or why there is none. */
type WireResult = { status: number; text: string } | { failure: string };

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
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly sign: RequestSigner;
  private readonly peerLabel: string;
  private readonly now: () => number;

  constructor(options: ProtocolClientOptions) {
    const url = new URL(options.baseUrl);
    this.basePath = trimTrailingSlashes(url.pathname);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.peerLabel = options.peerLabel ?? 'Server';
    this.now = options.now ?? Date.now;
    this.sign = options.sign ?? basicAuthOf(options);
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? DEFAULT_CONNECTIONS,
      keepAliveTimeout: KEEP_ALIVE_MS,
      keepAliveMaxTimeout: KEEP_ALIVE_MS,
      maxResponseSize: MAX_RESPONSE_BYTES,
      connect: {
        ...(options.ca !== undefined && { ca: options.ca }),
        rejectUnauthorized: options.rejectUnauthorized ?? true,
        timeout: this.timeoutMs,
      },
    });
  }

  /** POSTs `message` to baseUrl + `path` and classifies the answer as `kind` (never rejects). */
  async post(path: string, message: object, kind: MessageKind, options: PostOptions = {}): Promise<ProtocolOutcome> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const answer = this.send(path, message, timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const first = await Promise.race([answer, timedOut]);
    clearTimeout(timer);
    if (first !== 'timeout') return classify(first, kind, message as JsonBody, this.peerLabel);

    // Protocol basics: an answer after the timeout is logged but ignored.
    void answer
      .then((late) => {
        if (!('status' in late)) return;
        const body = parseObject(late.text);
        const outcome = classifyStatus(late.status, kind);
        options.onLateAnswer?.({ status: late.status, body, outcome, receivedAt: this.now() });
      })
      // A throwing callback must not surface as an unhandled rejection of a detached promise.
      .catch(() => undefined);
    return { kind: 'unknown', reason: 'timeout' };
  }

  /** Lets exchanges in flight finish for up to `graceMs` (default the timeout), then drops the sockets. */
  async close(graceMs = this.timeoutMs): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref();
    });
    await Promise.race([this.pool.close().catch(() => undefined), grace]);
    clearTimeout(timer);
    if (!this.pool.destroyed) await this.pool.destroy().catch(() => undefined);
  }

  /** Sends one message and reads the whole answer; never rejects. */
  private async send(path: string, message: object, timeoutMs: number): Promise<WireResult> {
    const hardLimitMs = Math.max(2 * timeoutMs, timeoutMs + LATE_ANSWER_WINDOW_MS);
    try {
      const fullPath = this.basePath + path;
      const body = JSON.stringify(message);
      const res = await this.pool.request({
        path: fullPath,
        method: 'POST',
        headers: {
          ...this.sign({ method: 'POST', path: fullPath, body }),
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body,
        headersTimeout: hardLimitMs,
        bodyTimeout: hardLimitMs,
      });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (err) {
      return { failure: failureReason(err) };
    }
  }
}

function basicAuthOf(options: ProtocolClientOptions): RequestSigner {
  if (options.username === undefined || options.password === undefined) {
    throw new Error('ProtocolHttpClient needs username and password (Basic auth), or sign');
  }
  return basicAuth(options.username, options.password);
}

function failureReason(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return 'unreadable body';
  const detail = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  return `connection error: ${detail}`;
}

/** Turns what came off the wire into an outcome with the seed's status table (docs/protocol.md §2). */
function classify(result: WireResult, kind: MessageKind, message: JsonBody, peer: string): ProtocolOutcome {
  if ('failure' in result) return { kind: 'unknown', reason: result.failure };
  const { status, text } = result;
  const body = parseObject(text);
  switch (classifyStatus(status, kind)) {
    case 'successful':
      // A 2xx to a request we cannot read may still have moved money: unknown, so it gets reversed.
      if (kind === 'request' && body === null) return { kind: 'unknown', status, reason: 'unreadable body' };
      return { kind: 'successful', status, body };
    case 'unknown':
      return { kind: 'unknown', status, reason: `status ${status}` };
    case 'failed':
      return { kind: 'failed', status, body, error: errorDetailOf(body, status, message, peer) };
  }
}

/** The body as a JSON object, or null when it is empty, not JSON, or not an object. */
export function parseObject(text: string): JsonBody | null {
  if (text.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonBody) : null;
  } catch {
    return null;
  }
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
