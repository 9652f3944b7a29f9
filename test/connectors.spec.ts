import { createServer, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Test } from '@nestjs/testing';
import { ClockModule } from '@app/clock/clock.module';
import { AppConfig } from '@app/config/app-config';
import { ConfigModule } from '@app/config/config.module';
import { loadEnv } from '@app/config/env.validation';
import type { PartnerConfig } from '@app/config/hub-config.schema';
import { parseHubConfig } from '@app/config/load-hub-config';
import { ErrorType } from '@app/errors/error-type';
import type { JsonObject } from '@app/persistence/column-types';
import {
  ElectrumHttpConnector,
  ElectrumHttpConnectorFactory,
} from '@app/partners/connectors/electrum-http/electrum-http.connector';
import { SandboxConnector, SandboxConnectorFactory } from '@app/partners/connectors/sandbox/sandbox.connector';
import type { PartnerConnector } from '@app/partners/partner-connector';
import { PartnerRegistry } from '@app/partners/partner-registry.service';
import { PartnersModule } from '@app/partners/partners.module';
import { connectorContract, upstreamPayment } from './connector-contract';
import { HUB_UPSTREAM, TEST_ENV, testHubConfigYaml } from './factories/hub-config.factory';
import { aPaymentConfirmation, aPaymentReversal } from './factories/messages.factory';
import { FakeClock } from './utils/fake-clock';
import { partnerCalls, PartnerServer, startPartnerServer } from './utils/partner-server';
import { testTls } from './utils/test-tls';

const PROMPT = { timeoutMs: 5_000 };

function json(message: object): JsonObject {
  return JSON.parse(JSON.stringify(message)) as JsonObject;
}

function electrumPartner(baseUrl: string, overrides: Partial<PartnerConfig> = {}): PartnerConfig {
  return {
    id: 'wallet-a',
    connector: 'electrum-http',
    baseUrl,
    username: HUB_UPSTREAM.username,
    password: HUB_UPSTREAM.password,
    tls: { ca: testTls().cert, rejectUnauthorized: true },
    timeoutMs: 1_000,
    options: {},
    ...overrides,
  };
}

connectorContract('sandbox', async () => {
  const clock = new FakeClock();
  const factory = new SandboxConnectorFactory(clock);
  const connector = factory.create({
    id: 'sandbox',
    connector: 'sandbox',
    tls: { rejectUnauthorized: true },
    timeoutMs: 1_000,
    options: {},
  });
  return { connector, close: async () => connector.close?.(), advanceTime: (ms) => clock.advance(ms) };
});

connectorContract('electrum-http', async () => {
  const server = await startPartnerServer();
  const connector = new ElectrumHttpConnector(electrumPartner(server.baseUrl));
  return {
    connector,
    async close() {
      await server.close();
      await connector.close();
    },
  };
});

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

  it('needs no settings', () => {
    expect(new SandboxConnectorFactory(new FakeClock()).validate()).toEqual([]);
  });
});

describe('electrum-http connector', () => {
  let server: PartnerServer;
  const open: ElectrumHttpConnector[] = [];
  const connect = (overrides: Partial<PartnerConfig> = {}, baseUrl = server.baseUrl): ElectrumHttpConnector => {
    const connector = new ElectrumHttpConnector(electrumPartner(baseUrl, overrides));
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
      electrumPartner(`https://localhost:${(raw.address() as AddressInfo).port}/qr/v1`),
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
    const message = call === 'pay' ? request : advice;
    await expect(connector[call](message, PROMPT)).resolves.toMatchObject(expected);
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

describe('electrum-http validate()', () => {
  const factory = new ElectrumHttpConnectorFactory(new FakeClock());
  const partner = (overrides: Partial<PartnerConfig>) => electrumPartner('https://wallet.example/qr/v1', overrides);

  it('accepts a complete https partner', () => {
    expect(factory.validate(partner({}))).toEqual([]);
  });

  it('names each missing or bad setting', () => {
    expect(factory.validate(partner({ baseUrl: undefined, username: undefined, password: undefined }))).toEqual([
      'baseUrl: required by the electrum-http connector',
      'username: required by the electrum-http connector (Basic auth)',
      'password: required by the electrum-http connector (Basic auth)',
    ]);
    expect(factory.validate(partner({ baseUrl: 'http://wallet.example/qr/v1' }))).toEqual([
      expect.stringMatching(/^baseUrl: must be https/),
    ]);
    expect(factory.validate(partner({ options: { allowPlainHttp: 'yes', connections: 0, retries: 3 } }))).toEqual([
      'options.retries: unknown option (allowed: allowPlainHttp, connections)',
      'options.allowPlainHttp: must be true or false',
      'options.connections: must be a whole number from 1 to 1024',
    ]);
  });

  it('allows plain http only with options.allowPlainHttp: true', () => {
    expect(
      factory.validate(partner({ baseUrl: 'http://proxy:8080/qr/v1', options: { allowPlainHttp: true } })),
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
      imports: [ClockModule.forRoot(new FakeClock()), ConfigModule.forRoot(config), PartnersModule],
    }).compile();
    await module.init();
    const registry = module.get(PartnerRegistry);
    expect(registry.ids().sort()).toEqual(['sandbox', 'wallet-a']);
    expect(registry.get('sandbox')?.connector).toBeInstanceOf(SandboxConnector);
    expect(registry.get('wallet-a')?.connector).toBeInstanceOf(ElectrumHttpConnector);
    await expect(registry.get('wallet-a')?.connector.pay(upstreamPayment(1000), PROMPT)).resolves.toMatchObject({
      kind: 'successful',
    });
    await module.close();
    await server.close();
  });
});
