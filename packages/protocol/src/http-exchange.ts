/**
 * One HTTP/JSON exchange with a server, whatever dialect it speaks: a pooled
 * keep-alive connection, optional request signing, a timeout that is
 * reported without aborting the request (so a late answer still reaches a
 * callback), an answer cap, a private CA and mutual TLS. It does not
 * classify: the status and body come back raw, and a dialect on top of it
 * (`ProtocolHttpClient` for the Electrum interface, a partner connector for
 * its own API) decides what they mean.
 */
import { Pool } from 'undici';
import { JsonBody, parseObject } from './json';
import { DEFAULT_TIMEOUT_MS } from './outcome';
import type { HttpMethod, RequestSigner } from './signing';
import { trimTrailingSlashes } from './text';

/** PEM text, or several. */
type Pem = string | Buffer | Array<string | Buffer>;

/** How to reach one server. */
export interface HttpExchangeOptions {
  /** Origin plus base path, e.g. `https://wallet.example/api`; `send` paths are appended. */
  baseUrl: string;
  /** Authenticates each request; without one no authentication header is sent. */
  sign?: RequestSigner;
  /** PEM CA(s) to trust instead of the system store (a private or self-signed server certificate). */
  ca?: Pem;
  /** PEM client certificate (chain) presented to a server that asks for one (mutual TLS); needs `key`. */
  cert?: Pem;
  /** PEM private key of `cert`. */
  key?: Pem;
  /** Decrypts `key` when it is encrypted. */
  passphrase?: string;
  /** Default true. False accepts any certificate: for a local demo only. */
  rejectUnauthorized?: boolean;
  /** Default timeout of an exchange (and of connecting); the protocol's 60 s unless agreed otherwise. */
  timeoutMs?: number;
  /** Connections kept open at most; requests beyond wait in the pool's queue. Default 64. */
  connections?: number;
  /** Stamps late answers (epoch ms); injectable for tests. */
  now?: () => number;
}

/** An answer that arrived after `send` had already resolved to `timeout`. */
export interface ExchangeLateAnswer {
  status: number;
  /** The body as a JSON object; null when empty, not JSON, or not an object. */
  body: JsonBody | null;
  /** The body as received. */
  text: string;
  /** Epoch ms. */
  receivedAt: number;
}

interface SendOptionsBase {
  /** Added to the request; the signer's headers win over these, these over the JSON defaults. */
  headers?: Record<string, string>;
  /** Give up after this long and resolve to `timeout` (default: the exchange's timeout). */
  timeoutMs?: number;
  /** Told about an answer that arrives after the timeout; an error it throws is swallowed. */
  onLateAnswer?: (answer: ExchangeLateAnswer) => void;
}

/** Per-request options: the method (default POST) and, except for a GET, a JSON body. */
export type SendOptions = SendOptionsBase &
  ({ method: 'GET'; body?: undefined } | { method?: Exclude<HttpMethod, 'GET'>; body?: object });

/**
 * What one exchange came to, unclassified.
 * - answered: any status (2xx, 4xx, 5xx alike); `body` is the parsed JSON object or null, `text` the raw body.
 * - timeout: no answer within the timeout; the request goes on, see `onLateAnswer`.
 * - no-answer: the connection failed (`connection error: <code>`) or the answer was
 *   unreadable (`unreadable body`: over the 1 MiB cap).
 */
export type ExchangeResult =
  | { kind: 'answered'; status: number; body: JsonBody | null; text: string }
  | { kind: 'timeout' }
  | { kind: 'no-answer'; reason: string };

/** Connections kept open to one server at most, unless configured. */
export const DEFAULT_CONNECTIONS = 64;
/** An answer bigger than this is not a protocol message; treated as unreadable. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;
/* Below Node's default server keep-alive (5 s), so this side, not the server,
   closes idle sockets; a server closing one just as a payment is written
   would turn that payment into an unknown outcome and a reversal. */
const KEEP_ALIVE_MS = 4_000;
/* How long past the timeout a request may still wait for a late answer, at
   least: short timeouts (tests, 100 ms) still leave room for one. */
const LATE_ANSWER_WINDOW_MS = 10_000;

/**
 * A keep-alive connection pool to one server.
 *
 * Timeouts: `timeoutMs` decides the result (`timeout`), but the request is
 * not aborted then, so an answer that still comes reaches `onLateAnswer` for
 * reconciliation. Each request has a hard limit of 2 × timeoutMs, at least
 * timeoutMs + 10 s, after which its socket is dropped.
 */
export class HttpExchange {
  /** The default timeout of an exchange. */
  readonly timeoutMs: number;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly sign?: RequestSigner;
  private readonly now: () => number;

  constructor(options: HttpExchangeOptions) {
    const url = new URL(options.baseUrl);
    this.basePath = trimTrailingSlashes(url.pathname);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
    this.sign = options.sign;
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? DEFAULT_CONNECTIONS,
      keepAliveTimeout: KEEP_ALIVE_MS,
      keepAliveMaxTimeout: KEEP_ALIVE_MS,
      maxResponseSize: MAX_RESPONSE_BYTES,
      connect: {
        ...(options.ca !== undefined && { ca: options.ca }),
        ...(options.cert !== undefined && { cert: options.cert }),
        ...(options.key !== undefined && { key: options.key }),
        ...(options.passphrase !== undefined && { passphrase: options.passphrase }),
        rejectUnauthorized: options.rejectUnauthorized ?? true,
        timeout: this.timeoutMs,
      },
    });
  }

  /** Sends one request to baseUrl + `path` (query string included, if any) and reads the whole answer; never rejects. */
  async send(path: string, options: SendOptions = {}): Promise<ExchangeResult> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const answer = this.request(path, options, timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const first = await Promise.race([answer, timedOut]);
    clearTimeout(timer);
    if (first !== 'timeout') return first;

    const { onLateAnswer } = options;
    void answer
      .then((late) => {
        if (late.kind !== 'answered' || !onLateAnswer) return;
        onLateAnswer({ status: late.status, body: late.body, text: late.text, receivedAt: this.now() });
      })
      // A throwing callback must not surface as an unhandled rejection of a detached promise.
      .catch(() => undefined);
    return { kind: 'timeout' };
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

  /** The request itself, without the outcome timeout; never rejects. */
  private async request(path: string, options: SendOptions, timeoutMs: number): Promise<ExchangeResult> {
    const hardLimitMs = Math.max(2 * timeoutMs, timeoutMs + LATE_ANSWER_WINDOW_MS);
    try {
      const method = options.method ?? 'POST';
      const fullPath = this.basePath + path;
      // The type keeps a body off a GET; a JavaScript caller's is not sent either.
      const body = method === 'GET' || options.body === undefined ? undefined : JSON.stringify(options.body);
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...lowerCaseKeys(options.headers),
        ...lowerCaseKeys(this.sign?.({ method, path: fullPath, body: body ?? '' })),
      };
      const res = await this.pool.request({
        path: fullPath,
        method,
        headers,
        body,
        headersTimeout: hardLimitMs,
        bodyTimeout: hardLimitMs,
      });
      const text = await res.body.text();
      return { kind: 'answered', status: res.statusCode, body: parseObject(text), text };
    } catch (err) {
      return { kind: 'no-answer', reason: failureReason(err) };
    }
  }
}

/** Header names are case-insensitive; one spelling per name, so a later source replaces an earlier one. */
function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  if (!headers) return {};
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function failureReason(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return 'unreadable body';
  const detail = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  return `connection error: ${detail}`;
}
