import { Agent, request as httpsRequest } from 'node:https';
import {
  ErrorType,
  parseObject,
  type Amounts,
  type BasicAdvice,
  type ErrorDetail,
  type JsonBody,
  type PaymentRequest,
} from '@qr-hub/protocol';
import { z } from 'zod';
import type { AdviceCall, AdviceOutcome, PartnerConnector, PayCall, PayOutcome } from '../connector';
import { defineConnector, type ConnectorClock, type ConnectorContext } from '../define-connector';
import { optionHelpers, type TlsOptions } from '../options';
import {
  acceptBearerToken,
  connectorContract,
  startPartnerDouble,
  upstreamAdviceFor,
  upstreamPaymentRequest,
  type DialectTranslation,
  type PartnerDouble,
} from './index';

/*
 * A made-up partner API, nothing like Electrum, proving that the suite checks meaning and
 * the double speaks whatever the test translates: bearer token, `POST /v2/charges`
 * `{ reference, amount_cents, currency, token }` → `{ charge_id, status: approved | declined,
 * decline_code }` (ISO 8583-style codes), capture and void by charge id, lookup by reference,
 * every 5xx unknown (the double's faults come out as 503, which Electrum would call failed).
 */
const chargesDialect: DialectTranslation = {
  name: 'charges',
  readRequest({ method, path, body }) {
    const url = new URL(path, 'https://partner.invalid');
    const action = /^\/v2\/charges\/([^/]+)\/(capture|void)$/.exec(url.pathname);
    if (url.pathname === '/v2/charges' && method === 'POST') {
      const amount = { amount: body?.amount_cents as number, currency: body?.currency as string };
      const request = { id: body?.reference as string, amounts: { requestAmount: amount } };
      return { operation: 'pay', request: { ...request, partnerPaymentToken: body?.token as string } };
    }
    if (url.pathname === '/v2/charges' && method === 'GET' && url.searchParams.has('reference')) {
      return { operation: 'lookup', requestId: url.searchParams.get('reference') ?? '' };
    }
    if (action && method === 'POST') {
      const operation = action[2] === 'capture' ? 'confirm' : 'reverse';
      return { operation, advice: {}, partnerRef: decodeURIComponent(action[1]) };
    }
    return { answer: { status: 404, body: { error: { code: 'no_such_route' } } } };
  },
  writeAnswer(call, answer) {
    const { status, partnerRef: charge_id, error } = answer;
    if (call.operation === 'lookup') return { status: 200, body: { data: charge_id ? [{ charge_id }] : [] } };
    if (call.operation === 'pay' && status === 201) {
      const { amount, currency } = (answer.body?.amounts as Amounts).approvedAmount ?? {};
      return { status: 201, body: { charge_id, status: 'approved', amount_cents: amount, currency } };
    }
    if (call.operation === 'pay' && status === 400 && charge_id) {
      return { status: 402, body: { charge_id, status: 'declined', decline_code: error?.providerErrorCode } };
    }
    if (call.operation !== 'pay' && status === 202) {
      return {
        status: 200,
        body: { charge_id: call.partnerRef, status: call.operation === 'confirm' ? 'captured' : 'voided' },
      };
    }
    if (status === 404) return { status: 404, body: { error: { code: 'no_such_charge' } } };
    if (status >= 500) return { status: 503, body: { error: { code: 'unavailable' } } };
    return {
      status: 409,
      body: { error: { code: error?.providerErrorCode ?? 'invalid', message: error?.errorMessage } },
    };
  },
  unauthorized: () => ({
    status: 401,
    body: { error: { code: 'invalid_token' } },
    headers: { 'www-authenticate': 'Bearer' },
  }),
};

type Answer = { status: number; body: JsonBody | null };
type Reply = Answer | { failure: string } | 'timeout';
type Send = { method: string; url: string; headers: Record<string, string>; body?: unknown };

/** One HTTPS exchange on the hub's clock. After `timeoutMs` it settles 'timeout' but goes on: a reply then goes to `late`. */
function exchange(agent: Agent, clock: ConnectorClock, send: Send, timeoutMs: number, late?: (a: Answer) => void) {
  return new Promise<Reply>((resolve) => {
    let settled = false;
    const timer = clock.setTimer(() => settle('timeout'), timeoutMs);
    function settle(reply: Reply): void {
      if (!settled) {
        settled = true;
        clock.clearTimer(timer);
        resolve(reply);
      } else if (typeof reply === 'object' && 'status' in reply) late?.(reply);
    }
    const headers = { 'content-type': 'application/json', ...send.headers };
    const req = httpsRequest(send.url, { method: send.method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => settle({ status: res.statusCode ?? 0, body: parseObject(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => settle({ failure: err.code ?? err.message }));
    req.end(send.body === undefined ? undefined : JSON.stringify(send.body));
  });
}

const DECLINES: Record<string, ErrorType> = { '51': ErrorType.INSUFFICIENT_FUNDS, '57': ErrorType.DECLINED_BY_PARTNER };
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const answered = (reply: Reply): reply is Answer => typeof reply === 'object' && 'status' in reply;
type Ids = Pick<ErrorDetail, 'id' | 'tranId' | 'originalId'>;

interface ChargesOptions {
  baseUrl: string;
  token: string;
  tls: TlsOptions;
}

class ChargesConnector implements PartnerConnector {
  private readonly agent: Agent;

  constructor(
    private readonly options: ChargesOptions,
    private readonly context: ConnectorContext,
  ) {
    this.agent = new Agent({ keepAlive: true, ca: options.tls.ca, rejectUnauthorized: options.tls.rejectUnauthorized });
  }

  async pay(request: PaymentRequest, call: PayCall): Promise<PayOutcome> {
    const { amount, currency } = request.amounts.requestAmount ?? {};
    const charge = { reference: request.id, amount_cents: amount, currency, token: request.partnerPaymentToken };
    const reply = await this.send('POST', '/v2/charges', charge, call.timeoutMs, (late) => {
      const { kind, partnerRef } = this.payOutcome(request, late);
      call.onLateAnswer?.({ ...late, outcome: kind, partnerRef, receivedAt: this.context.clock.now() });
    });
    return answered(reply) ? this.payOutcome(request, reply) : unknown(reply);
  }

  confirm(advice: BasicAdvice, call: AdviceCall): Promise<AdviceOutcome> {
    return this.advise('capture', advice, call);
  }

  reverse(advice: BasicAdvice, call: AdviceCall): Promise<AdviceOutcome> {
    return this.advise('void', advice, call);
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private payOutcome(request: PaymentRequest, { status, body }: Answer): PayOutcome {
    const chargeId = str(body?.charge_id);
    const ids = { id: request.id, tranId: request.tranId };
    if (status === 201 && body?.status === 'approved' && chargeId) {
      const { partner: _partner, ...echoed } = request;
      const partner = { id: this.context.partnerId, name: this.context.partnerId };
      const own = { institutionId: partner.id, transactionIdentifier: chargeId };
      const approvedAmount = { amount: Number(body.amount_cents), currency: String(body.currency) };
      const response = {
        ...echoed,
        time: new Date(this.context.clock.now()).toISOString(),
        partner,
        thirdPartyIdentifiers: [...request.thirdPartyIdentifiers, own],
        amounts: { ...request.amounts, approvedAmount },
      };
      return { kind: 'successful', status, body: response, partnerRef: chargeId };
    }
    if (status === 402 && body?.status === 'declined') {
      const code = String(body.decline_code);
      const errorType = DECLINES[code] ?? ErrorType.DECLINED_BY_PARTNER;
      const error = { ...ids, errorType, errorMessage: `Declined (${code})`, providerErrorCode: code };
      return { kind: 'failed', status, error, partnerRef: chargeId };
    }
    return this.otherwise({ status, body }, ids);
  }

  private async advise(action: 'capture' | 'void', advice: BasicAdvice, call: AdviceCall): Promise<AdviceOutcome> {
    const ids = { id: advice.id, originalId: advice.requestId, ...(advice.tranId && { tranId: advice.tranId }) };
    let chargeId = call.partnerRef;
    if (chargeId === null) {
      // No answer ever came, so no charge id: find the charge by the reference the hub gave it.
      const query = `?reference=${encodeURIComponent(advice.requestId)}`;
      const found = await this.send('GET', `/v2/charges${query}`, undefined, call.timeoutMs);
      if (!answered(found)) return unknown(found);
      if (found.status !== 200) return this.otherwise(found, ids);
      const first: unknown = Array.isArray(found.body?.data) ? found.body.data[0] : undefined;
      chargeId = str((first as JsonBody | undefined)?.charge_id) ?? null;
    }
    const path = `/v2/charges/${encodeURIComponent(chargeId ?? '')}/${action}`;
    const reply = chargeId === null ? { status: 404, body: null } : await this.send('POST', path, {}, call.timeoutMs);
    if (!answered(reply)) return unknown(reply);
    if (reply.status === 200) return { kind: 'successful', status: 200, body: reply.body };
    if (reply.status !== 404) return this.otherwise(reply, ids);
    // Nothing to void is a void done; nothing to capture is a failed confirmation.
    if (action === 'void') return { kind: 'successful', body: null };
    const error = { ...ids, errorType: ErrorType.UNABLE_TO_LOCATE_RECORD, errorMessage: 'No such charge' };
    return { kind: 'failed', error };
  }

  private otherwise({ status, body }: Answer, ids: Ids): PayOutcome & AdviceOutcome {
    if (status >= 500) return { kind: 'unknown', status, reason: `status ${status}` };
    const providerErrorCode = str((body?.error as JsonBody | undefined)?.code) ?? String(status);
    const errorMessage = `Partner answered ${status}`;
    return {
      kind: 'failed',
      status,
      error: { ...ids, errorType: ErrorType.GENERAL_ERROR, errorMessage, providerErrorCode },
    };
  }

  private send(method: string, path: string, body: unknown, timeoutMs: number, late?: (a: Answer) => void) {
    const send = {
      method,
      url: this.options.baseUrl + path,
      headers: { authorization: `Bearer ${this.options.token}` },
      body,
    };
    return exchange(this.agent, this.context.clock, send, timeoutMs, late);
  }
}

function unknown(reply: 'timeout' | { failure: string }): { kind: 'unknown'; reason: string } {
  return { kind: 'unknown', reason: reply === 'timeout' ? 'timeout' : `connection error: ${reply.failure}` };
}

const chargesConnectorType = defineConnector<ChargesOptions>({
  type: 'kit-example-charges',
  description: 'A made-up bearer-token JSON partner API (connector kit example)',
  options: (helpers) => z.object({ baseUrl: z.string().url(), token: helpers.secret(), tls: helpers.tls() }).strict(),
  create: (options, context) => new ChargesConnector(options, context),
});

const TOKEN = 'charges-api-token';
const realClock: ConnectorClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => ({ id: setTimeout(fn, ms) }),
  clearTimer: (handle) => clearTimeout(handle.id as NodeJS.Timeout),
};

/** The connector as the hub makes it: options validated by its schema, secrets read from the environment. */
function makeConnector(double: PartnerDouble, token = TOKEN): PartnerConnector {
  const helpers = optionHelpers({ env: { CHARGES_TOKEN: token }, readFile: () => double.ca, production: false });
  const raw = { baseUrl: double.baseUrl, token: { env: 'CHARGES_TOKEN' }, tls: { caFile: 'partner-ca.pem' } };
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const context = { partnerId: 'charges-wallet', timeoutMs: 5_000, clock: realClock, log, production: false };
  return chargesConnectorType.create(chargesConnectorType.options(helpers).parse(raw), context);
}

const chargesDouble = () => startPartnerDouble({ dialect: chargesDialect, authorize: acceptBearerToken(TOKEN) });

connectorContract('kit-example-charges', async () => {
  const double = await chargesDouble();
  const connector = makeConnector(double);
  return {
    connector,
    partnerRefs: 'always',
    wire: { approved: 201, declined: 402, fault: 503 },
    stopPartner: () => double.close(),
    async close() {
      await double.close();
      await connector.close?.();
    },
  };
});

describe('partner double (a made-up charges dialect)', () => {
  let double: PartnerDouble;
  let connector: PartnerConnector;
  const PROMPT = { timeoutMs: 5_000 };

  beforeEach(async () => {
    double = await chargesDouble();
    connector = makeConnector(double);
  });
  afterEach(async () => {
    await double.close();
    await connector.close?.();
  });

  it('on the wire: capture by the reported reference; a timed-out payment looked up by request id, then voided', async () => {
    const [approved, timedOut] = [upstreamPaymentRequest(1000), upstreamPaymentRequest(1091)];
    const outcome = await connector.pay(approved, PROMPT);
    expect(outcome.partnerRef).toBe(double.partner.refOf(approved.id));
    await connector.confirm(upstreamAdviceFor('CONFIRMATION', approved), {
      ...PROMPT,
      partnerRef: outcome.partnerRef ?? null,
    });
    await expect(connector.pay(timedOut, { timeoutMs: 50 })).resolves.toMatchObject({ reason: 'timeout' });
    const reversal = upstreamAdviceFor('REVERSAL', timedOut, undefined, 'TIMEOUT');
    await expect(connector.reverse(reversal, { ...PROMPT, partnerRef: null })).resolves.toMatchObject({ status: 200 });
    expect(double.calls.map((c) => [c.method, c.path, c.operation, c.status])).toEqual([
      ['POST', '/v2/charges', 'pay', 201],
      ['POST', `/v2/charges/${outcome.partnerRef}/capture`, 'confirm', 200],
      ['POST', '/v2/charges', 'pay', undefined],
      ['GET', `/v2/charges?reference=${timedOut.id}`, 'lookup', 200],
      ['POST', `/v2/charges/${double.partner.refOf(timedOut.id)}/void`, 'reverse', 200],
    ]);
    const token = approved.partnerPaymentToken;
    expect(double.calls[0].body).toEqual({ reference: approved.id, amount_cents: 1000, currency: '710', token });
  });

  it('refuses a wrong bearer token with 401, which the connector reports as failed', async () => {
    const wrong = makeConnector(double, 'stolen-token');
    await expect(wrong.pay(upstreamPaymentRequest(1000), PROMPT)).resolves.toMatchObject({
      kind: 'failed',
      status: 401,
    });
    await wrong.close?.();
    expect(double.calls.map((c) => [c.operation, c.status, c.headers['authorization']])).toEqual([
      [undefined, 401, 'Bearer stolen-token'],
    ]);
  });
});
