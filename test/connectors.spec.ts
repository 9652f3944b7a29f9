import { createServer, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Test } from '@nestjs/testing';
import { ClockModule } from '@app/clock/clock.module';
import { AppConfig } from '@app/config/app-config';
import { ConfigModule } from '@app/config/config.module';
import { loadEnv } from '@app/config/env.validation';
import { parseHubConfig } from '@app/config/load-hub-config';
import { ErrorType } from '@app/errors/error-type';
import {
  electrumHttpConnector,
  ElectrumHttpConnector,
  type ElectrumHttpOptions,
} from '@app/partners/connectors/electrum-http/electrum-http.connector';
import { sandboxConnector, SandboxConnector } from '@app/partners/connectors/sandbox/sandbox.connector';
import type { PartnerConnector } from '@app/partners/partner-connector';
import { optionHelpers, type ConnectorDefinition } from '@qr-hub/connector-kit';
import type { PaymentReversal } from '@qr-hub/protocol';
import { PartnerRegistry } from '@app/partners/partner-registry.service';
import { PartnersModule } from '@app/partners/partners.module';
import { ConnectorCatalogModule } from '@app/partners/connector-catalog.module';
import { upstreamPaymentRequest as upstreamPayment } from '@qr-hub/connector-kit/testing';
import { HUB_UPSTREAM, TEST_ENV, testHubConfigYaml } from './factories/hub-config.factory';
import { aPaymentConfirmation, aPaymentReversal } from './factories/messages.factory';
import { FakeClock } from './utils/fake-clock';
import { partnerCalls, PartnerServer, startPartnerServer } from './utils/partner-server';
import { testTls } from './utils/test-tls';

const PROMPT = { timeoutMs: 5_000, partnerRef: null };

/** An advice as plain JSON, as the hub stores and sends it (a reversal's fields include a confirmation's). */
function json(message: object): PaymentReversal {
  return JSON.parse(JSON.stringify(message)) as PaymentReversal;
}

function electrumOptions(baseUrl: string, overrides: Partial<ElectrumHttpOptions> = {}): ElectrumHttpOptions {
  return {
    baseUrl,
    username: HUB_UPSTREAM.username,
    password: HUB_UPSTREAM.password,
    tls: { ca: testTls().cert, rejectUnauthorized: true },
    allowPlainHttp: false,
    connections: 512,
    ...overrides,
  };
}

/** What a connector's options schema says of `options`, as `key: problem` lines. */
function optionProblems(definition: ConnectorDefinition, options: unknown): string[] {
  const sources = { env: { WALLET_PW: 'pw' }, readFile: () => '', production: false };
  const parsed = definition.options(optionHelpers(sources)).safeParse(options);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('sandbox connector', () => {
  it('forgets the oldest payments beyond its memory bound', async () => {
    const connector: PartnerConnector = new SandboxConnector('sandbox', new FakeClock(), { maxRemembered: 2 });
    const [first, second, third] = [upstreamPayment(1000), upstreamPayment(1000), upstreamPayment(1000)];
    for (const request of [first, second, third]) await connector.pay(request, PROMPT);
    await expect(connector.confirm(json(aPaymentConfirmation(first.id)), PROMPT)).resolves.toMatchObject({
      status: 404,
    });
    await expect(connector.confirm(json(aPaymentConfirmation(third.id)), PROMPT)).resolves.toMatchObject({
      status: 202,
    });
  });

  it('refuses a reused payment id and a payment without an amount', async () => {
    const connector = new SandboxConnector('sandbox', new FakeClock());
    const request = upstreamPayment(1000);
    await connector.pay(request, PROMPT);
    await expect(connector.pay(request, PROMPT)).resolves.toMatchObject({
      error: { errorType: ErrorType.DUPLICATE_RECORD },
    });
    await expect(connector.pay({ ...upstreamPayment(1000), amounts: {} }, PROMPT)).resolves.toMatchObject({
      kind: 'failed',
      error: { errorType: ErrorType.FORMAT_ERROR },
    });
  });

  it('close() settles a hanging call as unknown and cancels its timers', async () => {
    const clock = new FakeClock();
    const connector = new SandboxConnector('sandbox', clock);
    const call = connector.pay(upstreamPayment(1091), { timeoutMs: 60_000 });
    expect(clock.timerCount).toBe(1);
    await connector.close();
    await expect(call).resolves.toEqual({ kind: 'unknown', reason: 'partner connector closed' });
    expect(clock.timerCount).toBe(0);
  });

  it('needs no settings, and takes none', () => {
    expect(optionProblems(sandboxConnector, {})).toEqual([]);
    expect(optionProblems(sandboxConnector, { baseUrl: 'https://x' })).toEqual([
      'baseUrl: unknown key; allowed keys: none',
    ]);
  });
});

describe('electrum-http connector', () => {
  let server: PartnerServer;
  const open: ElectrumHttpConnector[] = [];
  const connect = (overrides: Partial<ElectrumHttpOptions> = {}, baseUrl = server.baseUrl): ElectrumHttpConnector => {
    const connector = new ElectrumHttpConnector(electrumOptions(baseUrl, overrides), 1_000);
    open.push(connector);
    return connector;
  };

  beforeEach(async () => {
    server = await startPartnerServer();
  });
  afterEach(async () => {
    await server.close();
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  it('sends the message to baseUrl + path with Basic auth, as JSON', async () => {
    const request = upstreamPayment(1000);
    const confirmation = json(aPaymentConfirmation(request.id));
    const reversal = json(aPaymentReversal(request.id));
    const connector = connect();
    await connector.pay(request, PROMPT);
    await connector.confirm(confirmation, PROMPT);
    await connector.reverse(reversal, PROMPT);
    expect(server.received.map((m) => [m.path, m.auth])).toEqual([
      ['/payments', HUB_UPSTREAM.username],
      ['/payments/confirmations', HUB_UPSTREAM.username],
      ['/payments/reversals', HUB_UPSTREAM.username],
    ]);
    expect(partnerCalls(server, '/payments')).toEqual([request]);
    expect(partnerCalls(server, '/qr/v1/payments/confirmations')).toEqual([confirmation]);
  });

  it('wrong password: the partner 401 is failed, with its GENERAL_ERROR detail', async () => {
    const outcome = await connect({ password: 'wrong' }).pay(upstreamPayment(1000), PROMPT);
    expect(outcome).toMatchObject({ kind: 'failed', status: 401, error: { errorType: ErrorType.GENERAL_ERROR } });
  });

  it('partner not listening: unknown, connection error ECONNREFUSED', async () => {
    const baseUrl = server.baseUrl;
    await server.close();
    const outcome = await connect({}, baseUrl).pay(upstreamPayment(1000), PROMPT);
    expect(outcome).toEqual({ kind: 'unknown', reason: 'connection error: ECONNREFUSED' });
  });

  it('partner dropping connections (mode down): unknown, connection error', async () => {
    server.setMode('down');
    const outcome = await connect().pay(upstreamPayment(1000), PROMPT);
    expect(outcome).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/^connection error: /) });
    expect(partnerCalls(server, '/payments')).toHaveLength(0);
    server.setMode('normal');
    await expect(connect().pay(upstreamPayment(1000), PROMPT)).resolves.toMatchObject({ kind: 'successful' });
  });

  it('slow partner (mode slow): unknown timeout, then the late answer', async () => {
    server.setMode('slow', 250);
    const late: unknown[] = [];
    const outcome = await connect().pay(upstreamPayment(1000), { timeoutMs: 100, onLateAnswer: (a) => late.push(a) });
    expect(outcome).toEqual({ kind: 'unknown', reason: 'timeout' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(late).toEqual([expect.objectContaining({ status: 201 })]);
  });

  it('partner certificate not trusted: unknown, connection error', async () => {
    const outcome = await connect({ tls: { rejectUnauthorized: true } }).pay(upstreamPayment(1000), PROMPT);
    expect(outcome).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/^connection error: /) });
    expect(server.received).toHaveLength(0);
  });

  it('keep-alive: sequential calls reuse their connections', async () => {
    const connector = connect();
    for (let i = 0; i < 8; i++) {
      await expect(connector.pay(upstreamPayment(1000 + i), PROMPT)).resolves.toMatchObject({ kind: 'successful' });
    }
    expect(server.received).toHaveLength(8);
    // undici frees a connection a tick after the body ends, so a call made at
    // once may open a second one; after that both are reused.
    expect(server.connections).toBeLessThanOrEqual(2);
  });

  it('holds answers while asked, and counts concurrent sends of one advice', async () => {
    const connector = connect();
    const request = upstreamPayment(1000);
    await connector.pay(request, PROMPT);
    const confirmation = json(aPaymentConfirmation(request.id));
    const release = server.hold();
    const calls = [connector.confirm(confirmation, PROMPT), connector.confirm(confirmation, PROMPT)];
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await Promise.all(calls);
    expect(server.inFlightMax).toBe(2);
  });
});

describe('electrum-http classification of odd answers', () => {
  let raw: Server;
  let answer: { status: number; body: string };
  let connector: ElectrumHttpConnector;

  beforeAll(async () => {
    const tls = testTls();
    raw = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(answer.status, { 'content-type': 'text/html' }).end(answer.body));
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    connector = new ElectrumHttpConnector(
      electrumOptions(`https://localhost:${(raw.address() as AddressInfo).port}/qr/v1`),
      1_000,
    );
  });
  afterAll(async () => {
    await connector.close();
    await new Promise((resolve) => raw.close(resolve));
  });

  const request = upstreamPayment(1000);
  const advice = json(aPaymentReversal(request.id));

  // A 2xx to a payment that cannot be read may still have moved money: unknown, so it gets reversed.
  it.each([
    ['pay', 201, '<html>ok</html>', { kind: 'unknown', status: 201, reason: 'unreadable body' }],
    ['pay', 201, '', { kind: 'unknown', reason: 'unreadable body' }],
    ['confirm', 202, '', { kind: 'successful', status: 202, body: null }],
    ['reverse', 404, '', { kind: 'successful', status: 404 }],
    ['confirm', 404, '', { kind: 'failed', status: 404 }],
    ['pay', 504, '', { kind: 'unknown', status: 504, reason: 'status 504' }],
    ['pay', 503, 'Service Unavailable', { kind: 'failed', status: 503 }],
  ] as const)('%s answered %i with body %j → %o', async (call, status, body, expected) => {
    answer = { status, body };
    const outcome = call === 'pay' ? connector.pay(request, PROMPT) : connector[call](advice, PROMPT);
    await expect(outcome).resolves.toMatchObject(expected);
  });

  it('a failed answer without an ErrorDetail becomes GENERAL_ERROR with the status as provider code', async () => {
    answer = { status: 400, body: '<html>Bad Request</html>' };
    await expect(connector.pay(request, PROMPT)).resolves.toEqual({
      kind: 'failed',
      status: 400,
      error: {
        id: request.id,
        tranId: request.tranId,
        errorType: ErrorType.GENERAL_ERROR,
        errorMessage: 'Partner answered 400',
        providerErrorCode: '400',
      },
    });
  });

  it("keeps a partner's valid ErrorDetail, and replaces an errorType outside the enum", async () => {
    answer = {
      status: 400,
      body: JSON.stringify({ id: 'e1', errorType: 'DO_NOT_HONOR', errorMessage: 'Nope', providerErrorCode: '05' }),
    };
    await expect(connector.pay(request, PROMPT)).resolves.toMatchObject({
      error: { id: 'e1', errorType: ErrorType.DO_NOT_HONOR, errorMessage: 'Nope', providerErrorCode: '05' },
    });
    answer = { status: 400, body: JSON.stringify({ id: 'e2', errorType: 'MADE_UP', errorMessage: 'Odd' }) };
    await expect(connector.reverse(advice, PROMPT)).resolves.toMatchObject({
      error: {
        errorType: ErrorType.GENERAL_ERROR,
        providerErrorCode: '400',
        providerErrorMsg: 'Odd',
        originalId: request.id,
      },
    });
  });
});

describe('electrum-http options', () => {
  const base = { baseUrl: 'https://wallet.example/qr/v1', username: 'qr-hub', password: { env: 'WALLET_PW' } };

  it('accepts a complete https partner', () => {
    expect(optionProblems(electrumHttpConnector, base)).toEqual([]);
  });

  it('names each missing or bad setting', () => {
    expect(optionProblems(electrumHttpConnector, {})).toEqual([
      'baseUrl: required by the electrum-http connector',
      'username: required by the electrum-http connector (Basic auth)',
    ]);
    expect(optionProblems(electrumHttpConnector, { baseUrl: 'https://wallet.example', username: 'qr-hub' })).toEqual([
      'password: required by the electrum-http connector (Basic auth)',
    ]);
    expect(optionProblems(electrumHttpConnector, { ...base, baseUrl: 'http://wallet.example/qr/v1' })).toEqual([
      expect.stringMatching(/^baseUrl: must be https/),
    ]);
    expect(
      optionProblems(electrumHttpConnector, { ...base, allowPlainHttp: 'yes', connections: 0, retries: 3 }),
    ).toEqual([
      'retries: unknown key; allowed keys: baseUrl, username, password, tls, allowPlainHttp, connections',
      'allowPlainHttp: must be true or false',
      'connections: must be a whole number from 1 to 1024',
    ]);
    expect(optionProblems(electrumHttpConnector, { ...base, conections: 8 })).toEqual([
      "conections: unknown key; did you mean 'connections'?",
    ]);
  });

  it('takes the password only as a secret: { env } or { file }, never plaintext', () => {
    expect(optionProblems(electrumHttpConnector, { ...base, password: 'plain' })).toEqual([
      'password: must be { env: NAME } or { file: PATH }; plaintext secrets are refused in the config file',
    ]);
    expect(optionProblems(electrumHttpConnector, { ...base, password: { env: 'UNSET' } })).toEqual([
      'password.env: environment variable UNSET is not set',
    ]);
  });

  it('allows plain http only with allowPlainHttp: true', () => {
    expect(
      optionProblems(electrumHttpConnector, { ...base, baseUrl: 'http://proxy:8080/qr/v1', allowPlainHttp: true }),
    ).toEqual([]);
  });
});

describe('connector registration', () => {
  it('the partner registry finds both connector types and builds a connector per configured partner', async () => {
    const server = await startPartnerServer();
    const yaml = testHubConfigYaml({ walletBaseUrl: server.baseUrl, walletCaFile: server.caFile });
    const config = new AppConfig(
      loadEnv({ LOG_LEVEL: 'silent' }),
      parseHubConfig(yaml, { sourcePath: 't.yaml', env: TEST_ENV }),
    );
    const module = await Test.createTestingModule({
      imports: [
        ClockModule.forRoot(new FakeClock()),
        ConfigModule.forRoot(config),
        ConnectorCatalogModule.forRoot(),
        PartnersModule,
      ],
    }).compile();
    await module.init();
    const registry = module.get(PartnerRegistry);
    expect(registry.ids().sort()).toEqual(['sandbox', 'wallet-a']);
    expect(registry.get('sandbox')?.type).toBe('sandbox');
    expect(registry.get('wallet-a')?.type).toBe('electrum-http');
    await expect(registry.get('wallet-a')?.connector.pay(upstreamPayment(1000), PROMPT)).resolves.toMatchObject({
      kind: 'successful',
    });
    await module.close();
    await server.close();
  });
});
