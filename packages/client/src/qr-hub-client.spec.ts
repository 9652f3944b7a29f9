import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LateAnswerEvent, PayInput, QrHubClientOptions } from './client-types';
import { ClientLogger } from './client-logger';
import { QrHubClient } from './qr-hub-client';

/** What the scripted hub answers to one request. */
interface Reply {
  status: number;
  body?: object;
  delayMs?: number;
}
interface Seen {
  path: string;
  body: Record<string, unknown>;
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ORIGINATOR = {
  institution: { id: '1234', name: 'Shop' },
  terminalId: 'TERM0001',
  merchant: {
    merchantType: '5411',
    merchantId: 'MERCHANT0000001',
    merchantName: { name: 'Shop', city: 'Cape Town', region: 'WC', country: 'ZA' },
  },
};
const PAYMENT: PayInput = {
  originator: ORIGINATOR,
  client: { id: '1234', name: 'Shop' },
  thirdPartyIdentifiers: [{ institutionId: '1234', transactionIdentifier: 'till-42' }],
  amounts: { requestAmount: { amount: 1250, currency: '710' } },
  tranId: 'tran-1',
};
const error = (errorType: string) => ({ id: 'e', errorType, errorMessage: errorType.toLowerCase() });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The client's protocol duties against a scripted hub double over real HTTP:
 * what it does with each kind of answer, and that advices are repeated.
 */
describe('QrHubClient', () => {
  let server: Server;
  let hubUrl: string;
  let script: (seen: Seen) => Reply;
  let seen: Seen[];
  let dir: string;
  let logs: string[];
  const clients: QrHubClient[] = [];

  const logger: ClientLogger = {
    info: (m) => logs.push(`info ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
    error: (m) => logs.push(`error ${m}`),
  };
  const client = (options: Partial<QrHubClientOptions> = {}): QrHubClient => {
    const c = new QrHubClient({
      hubUrl,
      username: '1234',
      password: 'pw',
      allowPlainHttp: true,
      timeoutMs: 1_000,
      queueFile: join(dir, 'queue.sqlite'),
      retry: { initialDelayMs: 20, maxDelayMs: 100, pollMs: 50 },
      logger,
      ...options,
    });
    clients.push(c);
    return c;
  };
  const calls = (path: string) => seen.filter((s) => s.path === path).map((s) => s.body);

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        const entry = { path: req.url ?? '', body: JSON.parse(text) as Record<string, unknown> };
        seen.push(entry);
        const reply = script(entry);
        setTimeout(() => res.writeHead(reply.status).end(reply.body ? JSON.stringify(reply.body) : ''), reply.delayMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    seen = [];
    logs = [];
    dir = mkdtempSync(join(tmpdir(), 'qr-client-'));
    script = ({ path, body }) => (path === '/qr/v1/payments' ? { status: 201, body } : { status: 202, body });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('approved: a UUIDv4 id, the base path added, the PaymentResponse returned; confirm is delivered', async () => {
    const hub = client();
    const paid = await hub.pay(PAYMENT);
    expect(paid).toMatchObject({ outcome: 'approved', response: { tranId: 'tran-1' } });
    expect(paid.requestId).toMatch(UUID_V4);
    expect(calls('/qr/v1/payments')).toEqual([expect.objectContaining({ id: paid.requestId, tranId: 'tran-1' })]);

    if (paid.outcome !== 'approved') throw new Error('not approved');
    const queued = await hub.confirm(paid.response);
    expect(queued).toMatchObject({ kind: 'confirmation', status: 'pending', requestId: paid.requestId });
    await expect(hub.waitForAdvice(queued.id)).resolves.toMatchObject({ status: 'done', lastStatus: 202 });
    expect(calls('/qr/v1/payments/confirmations')).toEqual([
      expect.objectContaining({
        id: queued.id,
        requestId: paid.requestId,
        tranId: 'tran-1',
        thirdPartyIdentifiers: PAYMENT.thirdPartyIdentifiers,
      }),
    ]);
  });

  it.each([
    [400, 'INSUFFICIENT_FUNDS'],
    [503, 'UPSTREAM_UNAVAILABLE'],
    [400, 'NO_SCAN_RECEIVED'],
  ])('declined: %i %s is a definite failure, nothing queued', async (status, errorType) => {
    script = () => ({ status, body: error(errorType) });
    const hub = client();
    await expect(hub.pay(PAYMENT)).resolves.toMatchObject({ outcome: 'declined', status, error: { errorType } });
    expect(hub.pendingAdvices()).toEqual([]);
  });

  it('DUPLICATE_RECORD to a new request: retried once with a fresh id, then taken as the answer', async () => {
    script = () => ({ status: 400, body: error('DUPLICATE_RECORD') });
    const hub = client();
    const paid = await hub.pay(PAYMENT);
    const ids = calls('/qr/v1/payments').map((b) => b.id);
    expect(ids).toHaveLength(2);
    expect(ids[0]).not.toBe(ids[1]);
    expect(paid).toMatchObject({ outcome: 'declined', requestId: ids[1], error: { errorType: 'DUPLICATE_RECORD' } });

    seen = [];
    script = ({ path, body }) =>
      calls(path).length === 1
        ? { status: 400, body: error('DUPLICATE_RECORD') }
        : { status: 201, body: { ...body, tranId: 't', qrCode: 'q' } };
    const qr = await hub.createQrCode({ originator: ORIGINATOR, client: PAYMENT.client, qrProperties: {} });
    expect(qr.id).toBe(calls('/qr/v1/qrCodes')[1].id);
  });

  it.each([
    ['500', { status: 500, body: error('GENERAL_ERROR') }, 'status 500'],
    ['504', { status: 504 }, 'status 504'],
    ['an unreadable 201', { status: 201 }, 'unreadable body'],
  ])('unknown (%s): a TIMEOUT reversal is queued before pay returns, then delivered', async (_, reply, reason) => {
    script = ({ path }) => (path === '/qr/v1/payments' ? reply : { status: 202 });
    const hub = client();
    const paid = await hub.pay(PAYMENT);
    expect(paid).toMatchObject({ outcome: 'unknown', reason, reversalQueued: true });
    if (paid.outcome !== 'unknown') throw new Error('not unknown');
    expect(paid.reversal.body).toMatchObject({
      requestId: paid.requestId,
      reversalReason: 'TIMEOUT',
      tranId: 'tran-1',
      thirdPartyIdentifiers: PAYMENT.thirdPartyIdentifiers,
    });
    await expect(hub.waitForAdvice(paid.reversal.id)).resolves.toMatchObject({ status: 'done' });
    expect(calls('/qr/v1/payments/reversals')).toEqual([paid.reversal.body]);
  });

  it('timeout: unknown after the agreed timeout; the late approval is logged and changes nothing', async () => {
    script = ({ path, body }) => (path === '/qr/v1/payments' ? { status: 201, body, delayMs: 400 } : { status: 202 });
    const late: LateAnswerEvent[] = [];
    const hub = client({ timeoutMs: 150, onLateAnswer: (a) => late.push(a) });
    const paid = await hub.pay(PAYMENT);
    expect(paid).toMatchObject({ outcome: 'unknown', reason: 'timeout' });
    await sleep(450);
    expect(late).toEqual([
      expect.objectContaining({ operation: 'pay', messageId: paid.requestId, status: 201, outcome: 'successful' }),
    ]);
    expect(logs).toContainEqual(expect.stringMatching(/^warn late answer to pay .* 201 \(successful\); ignored$/));
    expect(paid.outcome).toBe('unknown');
    expect(calls('/qr/v1/payments/reversals')).toHaveLength(1);
  });

  it('advices: repeated on unknown with backoff until final; failed parks; 404 finishes a reversal only', async () => {
    let confirmations = 0;
    script = ({ path, body }) => {
      if (path.endsWith('/confirmations')) return ++confirmations <= 2 ? { status: 500 } : { status: 202, body };
      return { status: 404, body: error('UNABLE_TO_LOCATE_RECORD') };
    };
    const hub = client();
    const confirmed = await hub.confirm('req-1');
    const reversed = await hub.reverse('req-2');
    await expect(hub.waitForAdvice(confirmed.id)).resolves.toMatchObject({ status: 'done', attempts: 3 });
    await expect(hub.waitForAdvice(reversed.id)).resolves.toMatchObject({ status: 'done', lastStatus: 404 });
    expect(reversed.body).toMatchObject({ reversalReason: 'CANCELLED', thirdPartyIdentifiers: [] });

    script = ({ path }) => ({
      status: path.endsWith('/confirmations') ? 404 : 400,
      body: error('UNABLE_TO_LOCATE_RECORD'),
    });
    const lost = await hub.confirm('req-3');
    await expect(hub.waitForAdvice(lost.id)).resolves.toMatchObject({ status: 'parked', lastStatus: 404 });
    expect(hub.pendingAdvices().map((a) => [a.id, a.status])).toEqual([[lost.id, 'parked']]);
    expect(logs).toContainEqual(expect.stringMatching(/^error confirmation .* refused by the hub \(404/));
  });

  it('an advice queued by a closed client is delivered by the next one on the same file', async () => {
    script = () => ({ status: 503, body: error('GENERAL_ERROR') });
    const offline = client({ hubUrl: 'http://127.0.0.1:9', timeoutMs: 200 });
    const queued = await offline.confirm('req-9');
    await offline.close();
    script = ({ body }) => ({ status: 202, body });
    const next = client();
    expect(next.pendingAdvices().map((a) => a.id)).toEqual([queued.id]);
    await expect(next.flush(2_000)).resolves.toEqual([]);
    expect(next.advice(queued.id)).toMatchObject({ status: 'done' });
  });

  it('createQrCode: a failed answer throws QrHubError with the ErrorDetail', async () => {
    script = () => ({ status: 400, body: error('FORMAT_ERROR') });
    const hub = client();
    await expect(
      hub.createQrCode({ originator: ORIGINATOR, client: PAYMENT.client, qrProperties: {} }),
    ).rejects.toMatchObject({
      name: 'QrHubError',
      outcome: 'failed',
      status: 400,
      error: { errorType: 'FORMAT_ERROR' },
    });
  });

  it('refuses plain http unless asked, and a hubUrl path is kept as given', async () => {
    expect(
      () => new QrHubClient({ hubUrl: 'http://hub', username: 'u', password: 'p', queueFile: ':memory:' }),
    ).toThrow(/https/);
    const hub = client({ hubUrl: `${hubUrl}/gateway/qr/v1` });
    await hub.pay(PAYMENT);
    expect(seen.map((s) => s.path)).toEqual(['/gateway/qr/v1/payments']);
  });
});
