import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorType } from './error-types';
import type { MessageKind } from './outcome';
import { ProtocolHttpClient, ProtocolLateAnswer } from './protocol-client';

/** What the test server answers next, and what it saw. */
interface Answer {
  status: number;
  body: string;
  delayMs?: number;
}

const json = (value: object): string => JSON.stringify(value);
const REQUEST = { id: 'req-1', tranId: 'tran-1' };
const ADVICE = { id: 'adv-1', requestId: 'req-1', tranId: 'tran-1' };
const messageFor = (kind: MessageKind) => (kind === 'request' ? REQUEST : ADVICE);
const detail = (errorType: string) => json({ id: 'e-1', errorType, errorMessage: 'From the server' });

/**
 * The seed's status table, end to end: a real HTTP server answers each status
 * and ProtocolHttpClient classifies what came off the wire.
 */
describe('ProtocolHttpClient: the status table over real HTTP', () => {
  let server: Server;
  let answer: Answer;
  let seen: Array<{ url?: string; auth?: string; type?: string; body: string }>;
  let baseUrl: string;
  let client: ProtocolHttpClient;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
        const { status, body: text, delayMs = 0 } = answer;
        setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(text), delayMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/qr/v1/`;
    client = new ProtocolHttpClient({ baseUrl, username: '1234', password: 'pw', timeoutMs: 2_000 });
  });
  beforeEach(() => {
    seen = [];
  });
  afterAll(async () => {
    await client.close(100);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const send = (kind: MessageKind, a: Answer, options = {}) => {
    answer = a;
    return client.post(`/x/${kind}`, messageFor(kind), kind, options);
  };

  it('POSTs JSON to the base path + path with Basic auth', async () => {
    await send('request', { status: 201, body: '{}' });
    expect(seen).toEqual([
      {
        url: '/qr/v1/x/request',
        auth: `Basic ${Buffer.from('1234:pw').toString('base64')}`,
        type: 'application/json',
        body: json(REQUEST),
      },
    ]);
  });

  describe.each<MessageKind>(['request', 'confirmation', 'reversal'])('a %s', (kind) => {
    it.each([200, 201, 202])('answered %i is successful, with the body', async (status) => {
      await expect(send(kind, { status, body: json({ ok: status }) })).resolves.toEqual({
        kind: 'successful',
        status,
        body: { ok: status },
      });
    });

    it.each([500, 504])('answered %i is unknown', async (status) => {
      await expect(send(kind, { status, body: detail('GENERAL_ERROR') })).resolves.toEqual({
        kind: 'unknown',
        status,
        reason: `status ${status}`,
      });
    });

    it.each([
      [400, 'FORMAT_ERROR'],
      [401, 'GENERAL_ERROR'],
      [403, 'GENERAL_ERROR'],
      [409, 'DUPLICATE_RECORD'],
      [501, 'FUNCTION_NOT_SUPPORTED'],
      [503, 'UPSTREAM_UNAVAILABLE'],
      [502, 'GENERAL_ERROR'],
      [302, 'GENERAL_ERROR'],
    ])('answered %i is failed, keeping the ErrorDetail', async (status, errorType) => {
      await expect(send(kind, { status, body: detail(errorType) })).resolves.toMatchObject({
        kind: 'failed',
        status,
        error: { id: 'e-1', errorType, errorMessage: 'From the server' },
      });
    });
  });

  it('404 is successful for a reversal (nothing to reverse) …', async () => {
    const answer404 = { status: 404, body: detail('UNABLE_TO_LOCATE_RECORD') };
    await expect(send('reversal', answer404)).resolves.toMatchObject({ kind: 'successful', status: 404 });
  });

  it.each<MessageKind>(['request', 'confirmation'])('… and failed for a %s', async (kind) => {
    const answer404 = { status: 404, body: detail('UNABLE_TO_LOCATE_RECORD') };
    await expect(send(kind, answer404)).resolves.toMatchObject({
      kind: 'failed',
      status: 404,
      error: { errorType: ErrorType.UNABLE_TO_LOCATE_RECORD },
    });
  });

  it('a failed answer without an ErrorDetail gets a made-up GENERAL_ERROR naming the status', async () => {
    await expect(send('confirmation', { status: 503, body: '<html>busy</html>' })).resolves.toEqual({
      kind: 'failed',
      status: 503,
      body: null,
      error: {
        id: ADVICE.id,
        originalId: ADVICE.requestId,
        tranId: ADVICE.tranId,
        errorType: ErrorType.GENERAL_ERROR,
        errorMessage: 'Server answered 503',
        providerErrorCode: '503',
      },
    });
  });

  it('an unreadable 2xx is unknown for a request (money may have moved) but successful for an advice', async () => {
    await expect(send('request', { status: 201, body: '<html>ok</html>' })).resolves.toEqual({
      kind: 'unknown',
      status: 201,
      reason: 'unreadable body',
    });
    await expect(send('request', { status: 200, body: '[1]' })).resolves.toMatchObject({ kind: 'unknown' });
    await expect(send('confirmation', { status: 202, body: '' })).resolves.toEqual({
      kind: 'successful',
      status: 202,
      body: null,
    });
  });

  it('no answer within the timeout is unknown; the late answer goes to the callback and changes nothing', async () => {
    const late: ProtocolLateAnswer[] = [];
    const started = Date.now();
    const outcome = await send(
      'request',
      { status: 201, body: json({ approved: true }), delayMs: 400 },
      { timeoutMs: 150, onLateAnswer: (a: ProtocolLateAnswer) => late.push(a) },
    );
    expect(outcome).toEqual({ kind: 'unknown', reason: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(late).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(late).toEqual([
      { status: 201, body: { approved: true }, outcome: 'successful', receivedAt: expect.any(Number) },
    ]);
    expect(outcome).toEqual({ kind: 'unknown', reason: 'timeout' });
  });

  it('a late answer is classified for the log by the same table (404 to a reversal = successful)', async () => {
    const late: ProtocolLateAnswer[] = [];
    await send(
      'reversal',
      { status: 404, body: '', delayMs: 200 },
      { timeoutMs: 50, onLateAnswer: (a: ProtocolLateAnswer) => late.push(a) },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(late).toMatchObject([{ status: 404, outcome: 'successful', body: null }]);
  });

  it('a throwing late-answer callback does not escape', async () => {
    const outcome = await send(
      'request',
      { status: 201, body: '{}', delayMs: 100 },
      {
        timeoutMs: 20,
        onLateAnswer: () => {
          throw new Error('recorder broke');
        },
      },
    );
    expect(outcome.kind).toBe('unknown');
    await new Promise((resolve) => setTimeout(resolve, 200));
  });

  it('a refused connection is unknown (the message may or may not have left)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = new ProtocolHttpClient({ baseUrl: `http://127.0.0.1:${port}`, username: 'u', password: 'p' });
    await expect(refused.post('/payments', REQUEST, 'request')).resolves.toEqual({
      kind: 'unknown',
      reason: 'connection error: ECONNREFUSED',
    });
    await refused.close(0);
  });

  it('a signer replaces Basic auth and sees the path and the exact body sent', async () => {
    const signed: Array<{ method: string; path: string; body: string }> = [];
    const bearer = new ProtocolHttpClient({
      baseUrl,
      sign: (request) => {
        signed.push(request);
        return { authorization: 'Bearer t0ken' };
      },
    });
    await bearer.post('/p', REQUEST, 'request');
    expect(seen).toEqual([{ url: '/qr/v1/p', auth: 'Bearer t0ken', type: 'application/json', body: json(REQUEST) }]);
    expect(signed).toEqual([{ method: 'POST', path: '/qr/v1/p', body: json(REQUEST) }]);
    await bearer.close(100);
  });

  it('refuses to start without credentials or a signer', () => {
    expect(() => new ProtocolHttpClient({ baseUrl })).toThrow(/username and password/);
  });

  it('names the peer in made-up errors when asked to', async () => {
    const partner = new ProtocolHttpClient({ baseUrl, username: 'u', password: 'p', peerLabel: 'Hub' });
    answer = { status: 400, body: '' };
    await expect(partner.post('/p', REQUEST, 'request')).resolves.toMatchObject({
      error: { errorMessage: 'Hub answered 400' },
    });
    await partner.close(100);
  });
});
