import { ExchangeLateAnswer, HttpExchange, MAX_RESPONSE_BYTES } from './http-exchange';
import type { SignableRequest } from './signing';
import { closedPort, Pems, selfSigned, startHttpsServer, TestServer } from './spec-support/https-server';

const json = (value: unknown): string => JSON.stringify(value);
const NOW = 1_767_225_600_000;
const CHARGE = { amount: 1250, currency: 'EUR', note: 'Grüße' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The transport alone, against a real HTTPS server: what it sends, and what comes back, unclassified. */
describe('HttpExchange over real HTTPS', () => {
  let tls: Pems;
  let server: TestServer;
  let exchange: HttpExchange;
  let baseUrl: string;

  beforeAll(async () => {
    tls = selfSigned('localhost');
    server = await startHttpsServer(tls);
    baseUrl = `${server.origin}/api/`;
    exchange = new HttpExchange({ baseUrl, ca: tls.cert, timeoutMs: 2_000, now: () => NOW });
  });
  beforeEach(() => {
    server.seen.length = 0;
    answering(200, '{}');
  });
  afterAll(async () => {
    await exchange.close(100);
    await server.close();
  });

  const answering = (status: number, body: string, delayMs = 0) => {
    server.respond = () => ({ status, body, delayMs });
  };

  it.each([200, 201, 202, 400, 401, 404, 409, 500, 502, 503, 504])(
    'an answer %i comes back raw, status and parsed body, not classified',
    async (status) => {
      answering(status, json({ echo: status }));
      await expect(exchange.send('/v2/charges', { body: CHARGE })).resolves.toEqual({
        kind: 'answered',
        status,
        body: { echo: status },
        text: json({ echo: status }),
      });
    },
  );

  it.each(['<html>busy</html>', '[1,2]', '"ok"', ''])(
    'a body that is not a JSON object (%j) is null; the text is kept',
    async (text) => {
      answering(502, text);
      await expect(exchange.send('/v2/charges', { body: CHARGE })).resolves.toEqual({
        kind: 'answered',
        status: 502,
        body: null,
        text,
      });
    },
  );

  it('POSTs JSON by default to the base path + path, and sends no authentication without a signer', async () => {
    await exchange.send('/v2/charges?expand=wallet', { body: CHARGE });
    expect(server.seen).toHaveLength(1);
    const [seen] = server.seen;
    expect(seen).toMatchObject({ method: 'POST', url: '/api/v2/charges?expand=wallet', body: json(CHARGE) });
    expect(seen.headers).toMatchObject({ 'content-type': 'application/json', accept: 'application/json' });
    expect(seen.headers.authorization).toBeUndefined();
  });

  it.each(['PUT', 'PATCH', 'DELETE'] as const)('sends a %s with its JSON body', async (method) => {
    await exchange.send('/v2/charges/c-1', { method, body: CHARGE });
    expect(server.seen).toMatchObject([{ method, url: '/api/v2/charges/c-1', body: json(CHARGE) }]);
    expect(server.seen[0].headers['content-type']).toBe('application/json');
  });

  it('a GET carries no body and no content-type, and is still signed (over an empty body)', async () => {
    const signed: SignableRequest[] = [];
    const signing = new HttpExchange({
      baseUrl,
      ca: tls.cert,
      sign: (request) => {
        signed.push(request);
        return { 'X-Test-Auth': 'yes' };
      },
    });
    answering(200, json({ id: 'c-1', state: 'PAID' }));
    await expect(signing.send('/v2/charges/c-1', { method: 'GET' })).resolves.toMatchObject({
      kind: 'answered',
      body: { id: 'c-1', state: 'PAID' },
    });
    expect(server.seen).toMatchObject([{ method: 'GET', url: '/api/v2/charges/c-1', body: '' }]);
    expect(server.seen[0].headers['content-type']).toBeUndefined();
    expect(server.seen[0].headers['x-test-auth']).toBe('yes');
    expect(signed).toEqual([{ method: 'GET', path: '/api/v2/charges/c-1', body: '' }]);
    await signing.close(100);
  });

  it("the signer's headers arrive; it saw the method, the full path and the exact body; they win over extra headers", async () => {
    const signed: SignableRequest[] = [];
    const signing = new HttpExchange({
      baseUrl,
      ca: tls.cert,
      sign: (request) => {
        signed.push(request);
        return { authorization: 'Signed by-the-signer', 'x-body-length': String(request.body.length) };
      },
    });
    await signing.send('/v2/charges', {
      body: CHARGE,
      headers: { Authorization: 'from-the-caller', 'X-Request-Id': 'r-42' },
    });
    expect(signed).toEqual([{ method: 'POST', path: '/api/v2/charges', body: json(CHARGE) }]);
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0].body).toBe(signed[0].body);
    expect(server.seen[0].headers).toMatchObject({
      authorization: 'Signed by-the-signer',
      'x-body-length': String(json(CHARGE).length),
      'x-request-id': 'r-42',
    });
    await signing.close(100);
  });

  it('no answer within the timeout is `timeout`; the late answer then reaches onLateAnswer raw', async () => {
    const late: ExchangeLateAnswer[] = [];
    answering(503, json({ state: 'LATE' }), 400);
    const started = Date.now();
    const result = await exchange.send('/v2/charges', {
      body: CHARGE,
      timeoutMs: 150,
      onLateAnswer: (answer) => late.push(answer),
    });
    expect(result).toEqual({ kind: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(400);
    expect(late).toEqual([]);
    await sleep(500);
    expect(late).toEqual([{ status: 503, body: { state: 'LATE' }, text: json({ state: 'LATE' }), receivedAt: NOW }]);
  });

  it('a throwing late-answer callback does not escape as an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      answering(200, '{}', 100);
      const onLateAnswer = jest.fn(() => {
        throw new Error('recorder broke');
      });
      await expect(exchange.send('/v2/charges', { body: CHARGE, timeoutMs: 20, onLateAnswer })).resolves.toEqual({
        kind: 'timeout',
      });
      await sleep(250);
      expect(onLateAnswer).toHaveBeenCalledTimes(1);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('a refused connection is no-answer, with the error code', async () => {
    const refused = new HttpExchange({ baseUrl: `https://127.0.0.1:${await closedPort()}/api`, ca: tls.cert });
    await expect(refused.send('/v2/charges', { body: CHARGE })).resolves.toEqual({
      kind: 'no-answer',
      reason: 'connection error: ECONNREFUSED',
    });
    await refused.close(0);
  });

  it('an answer of exactly 1 MiB is read; one byte more is no-answer, unreadable body', async () => {
    answering(200, 'x'.repeat(MAX_RESPONSE_BYTES));
    const atCap = await exchange.send('/v2/charges', { body: CHARGE });
    expect(atCap).toMatchObject({ kind: 'answered', status: 200, body: null });
    expect(atCap.kind === 'answered' && atCap.text.length).toBe(MAX_RESPONSE_BYTES);
    answering(200, 'x'.repeat(MAX_RESPONSE_BYTES + 1));
    await expect(exchange.send('/v2/charges', { body: CHARGE })).resolves.toEqual({
      kind: 'no-answer',
      reason: 'unreadable body',
    });
  });

  it('a server certificate outside the trusted CAs is no-answer; rejectUnauthorized: false accepts it', async () => {
    const untrusting = new HttpExchange({ baseUrl, timeoutMs: 2_000 });
    await expect(untrusting.send('/v2/charges', { body: CHARGE })).resolves.toEqual({
      kind: 'no-answer',
      reason: expect.stringMatching(/^connection error: .*SELF_SIGNED/),
    });
    expect(server.seen).toEqual([]);
    const trustingAll = new HttpExchange({ baseUrl, rejectUnauthorized: false });
    await expect(trustingAll.send('/v2/charges', { body: CHARGE })).resolves.toMatchObject({
      kind: 'answered',
      status: 200,
    });
    await Promise.all([untrusting.close(0), trustingAll.close(100)]);
  });

  it('close lets an exchange in flight finish within the grace period', async () => {
    const closing = new HttpExchange({ baseUrl, ca: tls.cert });
    answering(201, json({ done: true }), 150);
    const inFlight = closing.send('/v2/charges', { body: CHARGE });
    await sleep(50);
    await closing.close(2_000);
    await expect(inFlight).resolves.toMatchObject({ kind: 'answered', status: 201, body: { done: true } });
  });
});
