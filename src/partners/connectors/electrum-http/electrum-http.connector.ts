import { Injectable } from '@nestjs/common';
import { Clock, SystemClock } from '@app/clock/clock';
import type { PartnerConfig } from '@app/config/hub-config.schema';
import { MessageKind, ProtocolHttpClient, type JsonBody as JsonObject } from '@qr-hub/protocol';
import type {
  PartnerCallOptions,
  PartnerConnector,
  PartnerConnectorFactory,
  PartnerOutcome,
} from '@app/partners/partner-connector';
import { PartnerConnectorType } from '@app/partners/partner-connector.decorator';

/**
 * Connections kept open to one partner at most (requests beyond wait in the pool's queue).
 * Sized for the hub's peak, not for an idle day: a pooled connection carries one exchange per
 * event-loop turn, and a turn takes 100–200 ms when the hub is saturated, so 64 connections
 * capped a busy hub at about 320 partner calls/s. Payments then queued inside the hub while
 * `partnerTimeoutMs` ran, and approvals turned into timeout reversals (docs/benchmarks.md,
 * "held payments": 3,111 of 6,000 with 64, none with 512 or more). Idle ones close after 4 s.
 */
export const DEFAULT_MAX_CONNECTIONS = 512;

const OPTION_KEYS = ['allowPlainHttp', 'connections'];

/**
 * Speaks the QR Payment Service Interface itself to one partner (docs/protocol.md §8):
 * POST `baseUrl` + `/payments`, `/payments/confirmations`, `/payments/reversals`
 * over HTTPS with Basic auth, through one keep-alive pool that trusts the
 * partner's CA.
 *
 * A thin adapter: the exchange itself — timeout, status table, late answers —
 * is `ProtocolHttpClient` (`@qr-hub/protocol`), shared with the
 * retailer client library so one module decides what a status means. The
 * caller's `timeoutMs` decides the outcome; a late answer goes to
 * `onLateAnswer` for reconciliation (docs/protocol.md §5). Network timeouts run on real
 * time, not the injected clock: they race real sockets; the clock only stamps
 * `receivedAt`.
 */
export class ElectrumHttpConnector implements PartnerConnector {
  private readonly http: ProtocolHttpClient;

  constructor(
    private readonly partner: PartnerConfig,
    clock: Clock = new SystemClock(),
  ) {
    const problems = validateElectrumHttp(partner);
    if (problems.length > 0) throw new Error(`partner ${partner.id}: ${problems.join('; ')}`);
    const connections = partner.options.connections;
    this.http = new ProtocolHttpClient({
      baseUrl: partner.baseUrl as string,
      username: partner.username ?? '',
      password: partner.password ?? '',
      ca: partner.tls.ca,
      rejectUnauthorized: partner.tls.rejectUnauthorized,
      timeoutMs: partner.timeoutMs,
      connections: typeof connections === 'number' ? connections : DEFAULT_MAX_CONNECTIONS,
      peerLabel: 'Partner',
      now: () => clock.now(),
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
  close(): Promise<void> {
    return this.http.close(this.partner.timeoutMs);
  }

  private async call(
    path: string,
    message: JsonObject,
    kind: MessageKind,
    options: PartnerCallOptions,
  ): Promise<PartnerOutcome> {
    const { onLateAnswer } = options;
    const outcome = await this.http.post(path, message, kind, {
      timeoutMs: options.timeoutMs,
      // The hub records status, body and time; the late answer's class is recomputed there if needed.
      onLateAnswer:
        onLateAnswer && ((late) => onLateAnswer({ status: late.status, body: late.body, receivedAt: late.receivedAt })),
    });
    // PartnerOutcome carries no body on failure: the ErrorDetail is what the core passes downstream.
    if (outcome.kind === 'failed') return { kind: 'failed', status: outcome.status, error: outcome.error };
    return outcome;
  }
}

/**
 * Problems with an `electrum-http` partner's settings, as `key: problem`.
 * `options.allowPlainHttp: true` permits an `http://` baseUrl, for a partner
 * reached through a TLS-terminating proxy or a test double; otherwise HTTPS
 * is required (protocol basics: all communication over SSL).
 * `options.connections` caps the pooled connections (default 512, at most 1024).
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

/** The `electrum-http` connector type (docs/protocol.md §8). */
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
