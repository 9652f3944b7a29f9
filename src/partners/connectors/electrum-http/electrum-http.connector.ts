import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Pool } from 'undici';
import { Clock, SystemClock } from '@app/clock/clock';
import type { PartnerConfig } from '@app/config/hub-config.schema';
import type { ErrorDetail } from '@app/errors/error-detail';
import { ErrorType, isErrorType } from '@app/errors/error-type';
import type { JsonObject } from '@app/persistence/column-types';
import { classifyStatus, MessageKind } from '@app/protocol/outcome';
import type {
  PartnerCallOptions,
  PartnerConnector,
  PartnerConnectorFactory,
  PartnerOutcome,
} from '@app/partners/partner-connector';
import { PartnerConnectorType } from '@app/partners/partner-connector.decorator';

/** Connections kept open to one partner at most (requests beyond wait in the pool's queue). */
export const DEFAULT_MAX_CONNECTIONS = 64;
/** A partner answer bigger than this is not a protocol message; treated as unreadable. */
const MAX_RESPONSE_BYTES = 1024 * 1024;
/* Below Node's default server keep-alive (5 s), so the hub, not the partner,
   closes idle sockets; a partner closing one just as a payment is written
   would turn that payment into an unknown outcome and a timeout reversal. */
const KEEP_ALIVE_MS = 4_000;
/* How long past the caller's timeout a request may still wait for a late
   answer, at least: short timeouts (tests, 100 ms) still leave room for one. */
const LATE_ANSWER_WINDOW_MS = 10_000;

/** An HTTP answer as read off the wire, or why there is none. */
type WireResult = { status: number; text: string } | { failure: string };

const OPTION_KEYS = ['allowPlainHttp', 'connections'];

/**
 * Speaks the QR Payment Service Interface itself to one partner (SPEC §8):
 * POST `baseUrl` + `/payments`, `/payments/confirmations`, `/payments/reversals`
 * over HTTPS with Basic auth, through one keep-alive undici pool that trusts
 * the partner's CA.
 *
 * Timeouts: the caller's `timeoutMs` decides the outcome (`unknown`, reason
 * `timeout`), but the request is not aborted then, so an answer that still
 * comes is handed to `onLateAnswer` for reconciliation (SPEC §5). Each request
 * has a hard limit of 2 × timeoutMs, at least timeoutMs + 10 s (undici
 * headers/body timeouts), after which its socket is dropped. Network timeouts run on real time, not the injected
 * clock: they race real sockets; the clock only stamps `receivedAt`.
 */
export class ElectrumHttpConnector implements PartnerConnector {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly authorization: string;

  constructor(
    private readonly partner: PartnerConfig,
    private readonly clock: Clock = new SystemClock(),
  ) {
    const problems = validateElectrumHttp(partner);
    if (problems.length > 0) throw new Error(`partner ${partner.id}: ${problems.join('; ')}`);
    const url = new URL(partner.baseUrl as string);
    this.basePath = url.pathname.replace(/\/+$/, '');
    const credentials = `${partner.username ?? ''}:${partner.password ?? ''}`;
    this.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
    const connections = partner.options.connections;
    this.pool = new Pool(url.origin, {
      connections: typeof connections === 'number' ? connections : DEFAULT_MAX_CONNECTIONS,
      keepAliveTimeout: KEEP_ALIVE_MS,
      keepAliveMaxTimeout: KEEP_ALIVE_MS,
      maxResponseSize: MAX_RESPONSE_BYTES,
      connect: {
        ...(partner.tls.ca !== undefined && { ca: partner.tls.ca }),
        rejectUnauthorized: partner.tls.rejectUnauthorized,
        timeout: partner.timeoutMs,
      },
    });
  }

  pay(request: JsonObject, options: PartnerCallOptions): Promise<PartnerOutcome> {
    return this.call('/payments', request, 'request', options);
  }

  confirm(advice: JsonObject, options: PartnerCallOptions): Promise<PartnerOutcome> {
    return this.call('/payments/confirmations', advice, 'confirmation', options);
  }

  reverse(advice: JsonObject, options: PartnerCallOptions): Promise<PartnerOutcome> {
    return this.call('/payments/reversals', advice, 'reversal', options);
  }

  /** Lets calls in flight finish (up to the partner's timeout), then drops the sockets. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.partner.timeoutMs);
      timer.unref();
    });
    await Promise.race([this.pool.close().catch(() => undefined), grace]);
    clearTimeout(timer);
    if (!this.pool.destroyed) await this.pool.destroy().catch(() => undefined);
  }

  private async call(
    path: string,
    message: JsonObject,
    kind: MessageKind,
    options: PartnerCallOptions,
  ): Promise<PartnerOutcome> {
    const answer = this.send(path, message, options.timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    });
    const first = await Promise.race([answer, timedOut]);
    clearTimeout(timer);
    if (first !== 'timeout') return classify(first, kind, message);

    // SPEC §5: a late answer is recorded and changes nothing already reported.
    void answer
      .then((late) => {
        if ('status' in late) {
          options.onLateAnswer?.({ status: late.status, body: parseObject(late.text), receivedAt: this.clock.now() });
        }
      })
      // The caller's recorder failing must not crash the hub from a detached promise; it logs its own errors.
      .catch(() => undefined);
    return { kind: 'unknown', reason: 'timeout' };
  }

  /** Sends one message and reads the whole answer; never rejects. */
  private async send(path: string, message: JsonObject, timeoutMs: number): Promise<WireResult> {
    const hardLimitMs = Math.max(2 * timeoutMs, timeoutMs + LATE_ANSWER_WINDOW_MS);
    try {
      const res = await this.pool.request({
        path: this.basePath + path,
        method: 'POST',
        headers: {
          authorization: this.authorization,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(message),
        headersTimeout: hardLimitMs,
        bodyTimeout: hardLimitMs,
      });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (err) {
      return { failure: failureReason(err) };
    }
  }
}

function failureReason(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return 'unreadable body';
  const detail = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  return `connection error: ${detail}`;
}

/** Turns what came off the wire into an outcome with the seed's status table (SPEC §2). */
function classify(result: WireResult, kind: MessageKind, message: JsonObject): PartnerOutcome {
  if ('failure' in result) return { kind: 'unknown', reason: result.failure };
  const { status, text } = result;
  switch (classifyStatus(status, kind)) {
    case 'successful': {
      const body = parseObject(text);
      // A 2xx to a payment we cannot read may still have moved money: unknown, so it gets reversed.
      if (kind === 'request' && body === null) return { kind: 'unknown', status, reason: 'unreadable body' };
      return { kind: 'successful', status, body };
    }
    case 'unknown':
      return { kind: 'unknown', status, reason: `status ${status}` };
    case 'failed':
      return { kind: 'failed', status, error: errorDetailOf(parseObject(text), status, message) };
  }
}

function parseObject(text: string): JsonObject | null {
  if (text.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : null;
  } catch {
    return null;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The partner's ErrorDetail when it sent a valid one; otherwise one made up
 * from the status, so the core always has an errorType to pass downstream.
 */
function errorDetailOf(body: JsonObject | null, status: number, message: JsonObject): ErrorDetail {
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
      errorMessage: str(body.errorMessage) ?? `Partner answered ${status}`,
    };
    for (const key of optional) if (str(body[key]) !== undefined) detail[key] = str(body[key]);
    if (body.detailMessage !== undefined) detail.detailMessage = body.detailMessage;
    return detail;
  }
  return {
    ...base,
    errorType: ErrorType.GENERAL_ERROR,
    errorMessage: `Partner answered ${status}`,
    providerErrorCode: String(status),
    ...(str(body?.errorMessage) !== undefined && { providerErrorMsg: str(body?.errorMessage) }),
  };
}

/**
 * Problems with an `electrum-http` partner's settings, as `key: problem`.
 * `options.allowPlainHttp: true` permits an `http://` baseUrl, for a partner
 * reached through a TLS-terminating proxy or a test double; otherwise HTTPS
 * is required (protocol basics: all communication over SSL).
 * `options.connections` caps the pooled connections (default 64).
 */
export function validateElectrumHttp(partner: PartnerConfig): string[] {
  const problems: string[] = [];
  const { allowPlainHttp, connections } = partner.options;
  for (const key of Object.keys(partner.options)) {
    if (!OPTION_KEYS.includes(key))
      problems.push(`options.${key}: unknown option (allowed: ${OPTION_KEYS.join(', ')})`);
  }
  if (allowPlainHttp !== undefined && typeof allowPlainHttp !== 'boolean') {
    problems.push('options.allowPlainHttp: must be true or false');
  }
  if (
    connections !== undefined &&
    !(Number.isInteger(connections) && Number(connections) >= 1 && Number(connections) <= 1024)
  ) {
    problems.push('options.connections: must be a whole number from 1 to 1024');
  }
  problems.push(...baseUrlProblems(partner.baseUrl, allowPlainHttp === true));
  if (!partner.username) problems.push('username: required by the electrum-http connector (Basic auth)');
  if (!partner.password) problems.push('password: required by the electrum-http connector (Basic auth)');
  return problems;
}

function baseUrlProblems(baseUrl: string | undefined, allowPlainHttp: boolean): string[] {
  if (!baseUrl) return ['baseUrl: required by the electrum-http connector'];
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return ['baseUrl: must be a URL'];
  }
  if (url.protocol === 'http:' && !allowPlainHttp) {
    return ['baseUrl: must be https (plain http only with options.allowPlainHttp: true, e.g. behind a TLS proxy)'];
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return ['baseUrl: must be an https URL'];
  if (url.search || url.hash) return ['baseUrl: must not have a query or fragment'];
  if (url.username || url.password) return ['baseUrl: must not hold credentials; use username and password'];
  return [];
}

/** The `electrum-http` connector type (SPEC §8). */
@PartnerConnectorType('electrum-http')
@Injectable()
export class ElectrumHttpConnectorFactory implements PartnerConnectorFactory {
  constructor(private readonly clock: Clock) {}

  validate(partner: PartnerConfig): string[] {
    return validateElectrumHttp(partner);
  }

  create(partner: PartnerConfig): PartnerConnector {
    return new ElectrumHttpConnector(partner, this.clock);
  }
}
