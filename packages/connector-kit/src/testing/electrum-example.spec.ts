import { Agent, request as httpsRequest } from 'node:https';
import {
  classifyStatus,
  errorDetailOf,
  ErrorType,
  parseObject,
  type JsonBody,
  type MessageKind,
  type PaymentConfirmation,
  type PaymentRequest,
  type PaymentResponse,
  type PaymentReversal,
} from '@qr-hub/protocol';
import type { AdviceCall, AdviceOutcome, PartnerConnector, PartnerOutcome, PayCall, PayOutcome } from '../connector';
import { track } from './timeline';
import {
  acceptBasicAuth,
  connectorContract,
  ELECTRUM_WIRE,
  electrumDialect,
  startPartnerDouble,
  upstreamAdviceFor,
  upstreamPaymentRequest,
  type DialectTranslation,
  type PartnerDouble,
  type PemPair,
} from './index';

/*
 * Proves the contract suite and the partner double on a connector written here: the
 * QR Payment Service Interface over node:https, classified with the protocol package's
 * status table. A real connector does the same with its own HTTP client and options.
 */

type Reply = { status: number; body: JsonBody | null } | { failure: string };

/** One HTTPS exchange. After `timeoutMs` it settles as 'timeout' but keeps going: a reply then goes to `late`. */
function exchange(
  agent: Agent,
  url: string,
  send: { method: string; headers?: Record<string, string>; body?: unknown },
  timeoutMs: number,
  late?: (reply: { status: number; body: JsonBody | null }) => void,
): Promise<Reply | 'timeout'> {
  return new Promise((resolve) => {
    let settled = false;
    const timer = setTimeout(() => settle('timeout'), timeoutMs);
    function settle(reply: Reply | 'timeout'): void {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(reply);
      } else if (typeof reply === 'object' && 'status' in reply) late?.(reply);
    }
    const text = send.body === undefined ? undefined : JSON.stringify(send.body);
    const headers = { ...(text !== undefined && { 'content-type': 'application/json' }), ...send.headers };
    const req = httpsRequest(url, { method: send.method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => settle({ status: res.statusCode ?? 0, body: parseObject(Buffer.concat(chunks).toString()) }));
      res.on('error', (err) => settle({ failure: err.message }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => settle({ failure: err.code ?? err.message }));
    req.end(text);
  });
}

class ElectrumExampleConnector implements PartnerConnector {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    ca: string,
    private readonly authorization: string,
    client?: PemPair,
  ) {
    this.agent = new Agent({ keepAlive: true, ca, ...(client && { cert: client.cert, key: client.key }) });
  }

  async pay(request: PaymentRequest, call: PayCall): Promise<PayOutcome> {
    const reply = await this.post('/payments', request, call.timeoutMs, (late) =>
      call.onLateAnswer?.({ ...late, outcome: classifyStatus(late.status, 'request'), receivedAt: Date.now() }),
    );
    return this.classify<PaymentResponse>(reply, 'request', request);
  }

  async confirm(advice: PaymentConfirmation, call: AdviceCall): Promise<AdviceOutcome> {
    // Electrum advices name their payment by requestId: the partner reference is not needed.
    return this.classify(await this.post('/payments/confirmations', advice, call.timeoutMs), 'confirmation', advice);
  }

  async reverse(advice: PaymentReversal, call: AdviceCall): Promise<AdviceOutcome> {
    return this.classify(await this.post('/payments/reversals', advice, call.timeoutMs), 'reversal', advice);
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private post(path: string, body: object, timeoutMs: number, late?: Parameters<typeof exchange>[4]) {
    const headers = { authorization: this.authorization };
    return exchange(this.agent, this.baseUrl + path, { method: 'POST', headers, body }, timeoutMs, late);
  }

  private classify<T = JsonBody | null>(
    reply: Reply | 'timeout',
    kind: MessageKind,
    message: object,
  ): PartnerOutcome<T> {
    if (reply === 'timeout') return { kind: 'unknown', reason: 'timeout' };
    if ('failure' in reply) return { kind: 'unknown', reason: `connection error: ${reply.failure}` };
    const { status, body } = reply;
    switch (classifyStatus(status, kind)) {
      case 'successful':
        // An approval that cannot be read may still have moved money.
        if (kind === 'request' && body === null) return { kind: 'unknown', status, reason: 'unreadable body' };
        return { kind: 'successful', status, body: body as T };
      case 'failed':
        return { kind: 'failed', status, error: errorDetailOf(body, status, message as JsonBody, 'Partner') };
      case 'unknown':
        return { kind: 'unknown', status, reason: `status ${status}` };
    }
  }
}

const USER = 'qr-hub';
const PASSWORD = 'partner-secret';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const PROMPT = { timeoutMs: 5_000 };

async function electrumDouble(options: { requireClientCert?: boolean } = {}): Promise<PartnerDouble> {
  return startPartnerDouble({
    dialect: electrumDialect,
    basePath: '/qr/v1',
    authorize: acceptBasicAuth(USER, PASSWORD),
    tls: { requireClientCert: options.requireClientCert },
  });
}

connectorContract('kit-example-electrum', async () => {
  const double = await electrumDouble();
  const connector = new ElectrumExampleConnector(double.baseUrl, double.ca, basic(USER, PASSWORD));
  return {
    connector,
    partnerRefs: 'never',
    wire: ELECTRUM_WIRE,
    stopPartner: () => double.close(),
    async close() {
      await double.close();
      await connector.close();
    },
  };
});

describe('partner double (electrum dialect)', () => {
  let double: PartnerDouble;
  const connectors: ElectrumExampleConnector[] = [];
  const connect = (authorization = basic(USER, PASSWORD), client?: PemPair): ElectrumExampleConnector => {
    const connector = new ElectrumExampleConnector(double.baseUrl, double.ca, authorization, client);
    connectors.push(connector);
    return connector;
  };

  afterEach(async () => {
    await double.close();
    await Promise.all(connectors.splice(0).map((c) => c.close()));
  });

  it('records what went on the wire: method, path below the base path, headers, body, operation, status', async () => {
    double = await electrumDouble();
    const request = upstreamPaymentRequest(1000);
    const confirmation = upstreamAdviceFor('CONFIRMATION', request);
    await connect().pay(request, PROMPT);
    await connect().confirm(confirmation, { ...PROMPT, partnerRef: null });
    expect(double.calls.map((c) => [c.method, c.path, c.operation, c.status])).toEqual([
      ['POST', '/payments', 'pay', 201],
      ['POST', '/payments/confirmations', 'confirm', 202],
    ]);
    expect(double.calls[0].body).toEqual(JSON.parse(JSON.stringify(request)));
    expect(double.calls[1].body).toEqual(JSON.parse(JSON.stringify(confirmation)));
    expect(double.calls[0].headers.authorization).toBe(basic(USER, PASSWORD));
    expect(double.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/qr\/v1$/);
  });

  it("refuses credentials authorize does not accept: 401 with the dialect's ErrorDetail, nothing simulated", async () => {
    double = await electrumDouble();
    const outcome = await connect(basic(USER, 'wrong')).pay(upstreamPaymentRequest(1000), PROMPT);
    expect(outcome).toMatchObject({ kind: 'failed', status: 401, error: { errorType: ErrorType.GENERAL_ERROR } });
    expect(double.calls).toEqual([expect.objectContaining({ path: '/payments', status: 401 })]);
    expect(double.calls[0].operation).toBeUndefined();
  });

  it('answers 404 to a route the dialect does not know, and to a path outside the base path', async () => {
    double = await electrumDouble();
    const agent = new Agent({ ca: double.ca });
    const headers = { authorization: basic(USER, PASSWORD) };
    const send = (url: string) => exchange(agent, url, { method: 'POST', headers, body: {} }, 5_000);
    await expect(send(`${double.baseUrl}/refunds`)).resolves.toMatchObject({ status: 404 });
    await expect(send(double.baseUrl.replace('/qr/v1', '/other/payments'))).resolves.toMatchObject({ status: 404 });
    agent.destroy();
  });

  it('a dialect without its own refusal answers 401 { error }; a translation that throws answers 500 naming it', async () => {
    const broken: DialectTranslation = {
      name: 'broken',
      readRequest: () => {
        throw new Error('cannot read this');
      },
      writeAnswer: () => ({ status: 200 }),
    };
    double = await startPartnerDouble({ dialect: broken, authorize: (r) => r.headers['x-key'] === 'k' });
    const agent = new Agent({ ca: double.ca });
    const post = (headers: Record<string, string>) =>
      exchange(agent, `${double.baseUrl}/anything`, { method: 'POST', headers, body: {} }, 5_000);
    await expect(post({})).resolves.toEqual({ status: 401, body: { error: 'unauthorized' } });
    await expect(post({ 'x-key': 'k' })).resolves.toEqual({
      status: 500,
      body: { error: 'partner double (broken): cannot read this' },
    });
    agent.destroy();
  });

  it('holds a ..91 payment unanswered until close(), which ends it', async () => {
    double = await electrumDouble();
    const call = track(connect().pay(upstreamPaymentRequest(1091), { timeoutMs: 60_000 }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(call.settled).toBe(false);
    expect(double.calls.map((c) => [c.operation, c.status])).toEqual([['pay', undefined]]);
    await double.close();
    await expect(call.promise).resolves.toMatchObject({
      kind: 'unknown',
      reason: expect.stringMatching(/^connection/),
    });
  });

  it('mutual TLS: lets in the client certificate it issued, and no connection without one', async () => {
    double = await electrumDouble({ requireClientCert: true });
    expect(double.clientCertificate?.cert).toContain('BEGIN CERTIFICATE');
    const withCert = await connect(undefined, double.clientCertificate).pay(upstreamPaymentRequest(1000), PROMPT);
    expect(withCert).toMatchObject({ kind: 'successful', status: 201 });
    const without = await connect().pay(upstreamPaymentRequest(1000), PROMPT);
    expect(without).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/^connection error/) });
    expect(double.calls).toHaveLength(1);
  });
});
