import { z } from 'zod';
import {
  defineConnector,
  type AdviceCall,
  type AdviceOutcome,
  type ConnectorClock,
  type OptionHelpers,
  type PartnerConnector,
  type PartnerOutcome,
  type PayCall,
  type PayOutcome,
  type TlsOptions,
} from '@qr-hub/connector-kit';
import {
  ProtocolHttpClient,
  type MessageKind,
  type PaymentConfirmation,
  type PaymentRequest,
  type PaymentResponse,
  type PaymentReversal,
} from '@qr-hub/protocol';

/**
 * Connections kept open to one partner at most (requests beyond wait in the pool's queue).
 * Sized for the hub's peak, not for an idle day: a pooled connection carries one exchange per
 * event-loop turn, and a turn takes 100–200 ms when the hub is saturated, so 64 connections
 * capped a busy hub at about 320 partner calls/s. Payments then queued inside the hub while
 * `partnerTimeoutMs` ran, and approvals turned into timeout reversals (docs/benchmarks.md,
 * "held payments": 3,111 of 6,000 with 64, none with 512 or more). Idle ones close after 4 s.
 */
export const DEFAULT_MAX_CONNECTIONS = 512;

/** The `electrum-http` options, validated and resolved (docs/protocol.md §9). */
export interface ElectrumHttpOptions {
  baseUrl: string;
  username: string;
  /** Resolved from `{ env: NAME }` or `{ file: PATH }`. */
  password: string;
  tls: TlsOptions;
  allowPlainHttp: boolean;
  connections: number;
}

const REQUIRED = 'required by the electrum-http connector';

/**
 * The options schema (docs/protocol.md §9). `allowPlainHttp: true` permits an `http://`
 * baseUrl, for a partner reached through a TLS-terminating proxy or a test double;
 * otherwise HTTPS is required (protocol basics: all communication over SSL).
 */
export function electrumHttpOptions(h: OptionHelpers): z.ZodType<ElectrumHttpOptions, z.ZodTypeDef, unknown> {
  return h
    .object({
      baseUrl: z.string({ required_error: REQUIRED, invalid_type_error: 'must be a URL' }),
      username: z
        .string({ required_error: `${REQUIRED} (Basic auth)`, invalid_type_error: 'must be a string' })
        .min(1, 'must not be empty'),
      password: h.secret().optional(),
      tls: h.tls().optional(),
      allowPlainHttp: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
      connections: z
        .number({ invalid_type_error: 'must be a whole number from 1 to 1024' })
        .int('must be a whole number from 1 to 1024')
        .min(1, 'must be a whole number from 1 to 1024')
        .max(1024, 'must be a whole number from 1 to 1024')
        .optional(),
    })
    .superRefine((o, ctx) => {
      // `optional` + this check, not zod's required: a missing secret reads "required", not a shape error.
      if (o.password === undefined)
        ctx.addIssue({ code: 'custom', path: ['password'], message: `${REQUIRED} (Basic auth)` });
      const problem = baseUrlProblem(o.baseUrl, o.allowPlainHttp === true);
      if (problem) ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: problem });
    })
    .transform((o): ElectrumHttpOptions => ({
      baseUrl: o.baseUrl,
      username: o.username,
      password: o.password ?? '',
      tls: o.tls ?? { rejectUnauthorized: true },
      allowPlainHttp: o.allowPlainHttp ?? false,
      connections: o.connections ?? DEFAULT_MAX_CONNECTIONS,
    }));
}

function baseUrlProblem(baseUrl: string, allowPlainHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return 'must be a URL';
  }
  if (url.protocol === 'http:' && !allowPlainHttp) {
    return 'must be https (plain http only with options.allowPlainHttp: true, e.g. behind a TLS proxy)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https URL';
  if (url.search || url.hash) return 'must not have a query or fragment';
  if (url.username || url.password) return 'must not hold credentials; use username and password';
  return null;
}

/**
 * Speaks the QR Payment Service Interface itself to one partner (docs/protocol.md §8):
 * POST `baseUrl` + `/payments`, `/payments/confirmations`, `/payments/reversals`
 * over HTTPS with Basic auth, through one keep-alive pool that trusts the
 * partner's CA (and shows a client certificate when configured: mutual TLS).
 *
 * A thin adapter: the exchange itself — timeout, status table, late answers —
 * is `ProtocolHttpClient` (`@qr-hub/protocol`), shared with the
 * retailer client library so one module decides what a status means. The
 * caller's `timeoutMs` decides the outcome; a late answer goes to
 * `onLateAnswer` for reconciliation (docs/protocol.md §5). Network timeouts run on real
 * time, not the hub's clock: they race real sockets; the clock only stamps
 * `receivedAt`. The interface addresses advices by the hub's request id, so no partner
 * reference is needed.
 */
export class ElectrumHttpConnector implements PartnerConnector {
  private readonly http: ProtocolHttpClient;

  constructor(
    options: ElectrumHttpOptions,
    private readonly timeoutMs: number,
    clock: Pick<ConnectorClock, 'now'> = { now: Date.now },
  ) {
    this.http = new ProtocolHttpClient({
      baseUrl: options.baseUrl,
      username: options.username,
      password: options.password,
      ca: options.tls.ca,
      // Mutual TLS when the partner asks for a client certificate (tls.certFile + tls.keyFile).
      cert: options.tls.cert,
      key: options.tls.key,
      rejectUnauthorized: options.tls.rejectUnauthorized,
      timeoutMs,
      connections: options.connections,
      peerLabel: 'Partner',
      now: () => clock.now(),
    });
  }

  pay(request: PaymentRequest, call: PayCall): Promise<PayOutcome> {
    return this.call<PaymentResponse>('/payments', request, 'request', call);
  }

  confirm(advice: PaymentConfirmation, call: AdviceCall): Promise<AdviceOutcome> {
    return this.call('/payments/confirmations', advice, 'confirmation', call);
  }

  reverse(advice: PaymentReversal, call: AdviceCall): Promise<AdviceOutcome> {
    return this.call('/payments/reversals', advice, 'reversal', call);
  }

  /** Lets calls in flight finish (up to the partner's timeout), then drops the sockets. */
  close(): Promise<void> {
    return this.http.close(this.timeoutMs);
  }

  private async call<TBody>(
    path: string,
    message: object,
    kind: MessageKind,
    call: PayCall,
  ): Promise<PartnerOutcome<TBody>> {
    const { onLateAnswer } = call;
    const outcome = await this.http.post(path, message, kind, {
      timeoutMs: call.timeoutMs,
      onLateAnswer:
        onLateAnswer &&
        ((late) =>
          onLateAnswer({ status: late.status, body: late.body, outcome: late.outcome, receivedAt: late.receivedAt })),
    });
    // The ErrorDetail is what the core passes downstream; a failure's raw body is not.
    if (outcome.kind === 'failed') return { kind: 'failed', status: outcome.status, error: outcome.error };
    // A 2xx to a payment always has a body (an unreadable one is `unknown`); advices may answer empty.
    if (outcome.kind === 'successful')
      return { kind: 'successful', status: outcome.status, body: outcome.body as TBody };
    return outcome;
  }
}

/** The `electrum-http` connector type (docs/protocol.md §8). */
export const electrumHttpConnector = defineConnector<ElectrumHttpOptions>({
  type: 'electrum-http',
  description: 'the QR Payment Service Interface itself, over HTTPS with Basic auth',
  options: electrumHttpOptions,
  create: (options, context) => new ElectrumHttpConnector(options, context.timeoutMs, context.clock),
});
