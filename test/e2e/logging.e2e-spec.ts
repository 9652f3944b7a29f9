import type { DestinationStream } from 'pino';
import { aCreateQrCodeRequest, aPaymentRequest, aScanNotification } from '../factories/messages.factory';
import { RETAILER, SANDBOX } from '../factories/hub-config.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { waitFor } from '../utils/flows';

type Line = Record<string, unknown>;

/** Collects the hub's JSON log lines. */
function capture(): DestinationStream & { text: () => string; lines: () => Line[] } {
  const chunks: string[] = [];
  return {
    write: (chunk: string) => void chunks.push(chunk),
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Line),
  };
}

const CARD = '4111111111111111';
const zar = (amount: number) => ({ amount, currency: '710' });

describe('logs (docs/protocol.md §3, §11): JSON lines with request id and tranId, secrets masked', () => {
  let hub: TestApp;
  const log = capture();

  beforeAll(async () => {
    hub = await createTestApp({ env: { LOG_LEVEL: 'debug' }, logDestination: log, partnerTimeoutMs: 1000 });
  });
  afterAll(() => hub.close());

  const send = (path: string, body: object, auth: { id: string; password: string }, requestId: string) =>
    hub.post(path, body, auth).set('X-Request-Id', requestId);
  const linesOf = (reqId: string) => log.lines().filter((l) => l.reqId === reqId);

  it('writes every line, Nest start-up included, as JSON with level and time', () => {
    const lines = log.lines();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatchObject({ level: expect.any(String), time: expect.any(String) });
    expect(lines.some((l) => l.context === 'NestApplication' && l.level === 'info')).toBe(true);
    expect(lines.filter((l) => l.context === 'InstanceLoader').every((l) => l.level === 'debug')).toBe(true);
  });

  it('masks passwords, Authorization, partnerPaymentToken and card numbers through a whole payment', async () => {
    const created = await send(
      '/qr/v1/qrCodes',
      aCreateQrCodeRequest({ amounts: { requestAmount: zar(10000) }, qrProperties: { value: zar(10000) } }),
      RETAILER,
      'log-qr-1',
    ).expect(201);
    const tranId = created.body.tranId as string;
    const token = 'ppt-SECRET-4e1c9a';
    const scanToken = 'ppt-SCAN-SECRET-77ab';
    // A till that sends more than it should: a card number in a field the interface does not have.
    const payment = {
      ...aPaymentRequest(tranId, { amounts: { requestAmount: zar(10000) } }),
      partnerPaymentToken: token,
    };
    const pay = send('/qr/v1/payments', { ...payment, tenders: [{ cardNumber: CARD }] }, RETAILER, 'log-pay-1');
    const answer = pay.then((r) => r);
    await waitFor('the waiting payment', () => linesOf('log-pay-1').some((l) => l.msg === 'request body') || undefined);
    await new Promise((r) => setTimeout(r, 100));
    const scan = aScanNotification(tranId, SANDBOX.id, { partnerPaymentToken: scanToken });
    await send('/qr/v1/scans', scan, SANDBOX, 'log-scan-1').expect(202);
    expect((await answer).status).toBe(201);

    await waitFor('the pay answer line', () => linesOf('log-pay-1').some((l) => l.res !== undefined) || undefined);
    const text = log.text();
    const basic = (c: { id: string; password: string }) => Buffer.from(`${c.id}:${c.password}`).toString('base64');
    for (const secret of [
      RETAILER.password,
      SANDBOX.password,
      basic(RETAILER),
      basic(SANDBOX),
      token,
      scanToken,
      CARD,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('411111**********');
    const body = linesOf('log-pay-1').find((l) => l.msg === 'request body')?.body as Line;
    expect(body).toMatchObject({ partnerPaymentToken: '***', tenders: [{ cardNumber: '411111**********' }] });
  });

  it('puts the request id on every line of a request and the tranId on every line once it is known', async () => {
    const created = await send('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER, 'log-qr-2').expect(201);
    expect(created.headers['x-request-id']).toBe('log-qr-2');
    const tranId = created.body.tranId as string;
    await waitFor('the answer line', () => linesOf('log-qr-2').find((l) => l.res !== undefined));
    const lines = linesOf('log-qr-2');
    // createQrCode learns its tranId when the code is issued: from then on every line has it.
    expect(lines.map((l) => l.msg)).toEqual(['request body', 'response body', 'POST /qr/v1/qrCodes 201']);
    expect(lines.slice(1).every((l) => l.tranId === tranId)).toBe(true);
    expect(lines[2]).toMatchObject({
      level: 'info',
      req: { method: 'POST', path: '/qr/v1/qrCodes', operation: 'createQrCode' },
      res: { statusCode: 201 },
      responseTime: expect.any(Number),
    });

    // pay names its tranId in the body: every line has it from the start, declines included.
    await send('/qr/v1/payments', aPaymentRequest('0'.repeat(32)), RETAILER, 'log-pay-2').expect(400);
    await waitFor('the decline line', () => linesOf('log-pay-2').find((l) => l.res !== undefined));
    expect(linesOf('log-pay-2').length).toBeGreaterThanOrEqual(2);
    expect(linesOf('log-pay-2').every((l) => l.tranId === '0'.repeat(32))).toBe(true);

    // The QR image names its tranId in the path.
    await hub
      .raw()
      .get(`/qr/v1/qrCodes/${tranId}/image`)
      .set('X-Request-Id', 'log-img-1')
      .auth(RETAILER.id, RETAILER.password)
      .expect(200);
    await waitFor('the image line', () => linesOf('log-img-1').find((l) => l.res !== undefined));
    expect(linesOf('log-img-1')).toEqual([
      expect.objectContaining({ tranId, req: expect.objectContaining({ operation: 'qrCodeImage' }) }),
    ]);
  });

  it('names the errorType on the access line of a 4xx answer', async () => {
    await send('/qr/v1/payments', aPaymentRequest('1'.repeat(32)), RETAILER, 'log-4xx-1').expect(400);
    const line = await waitFor('the decline line', () => linesOf('log-4xx-1').find((l) => l.res !== undefined));
    expect(line).toMatchObject({
      msg: 'POST /qr/v1/payments 400 INVALID_TRAN_ID',
      errorType: 'INVALID_TRAN_ID',
      res: { statusCode: 400 },
    });
    await hub.post('/qr/v1/qrCodes', aCreateQrCodeRequest(), { id: RETAILER.id, password: 'wrong' }).expect(401);
    expect(log.lines().filter((l) => l.msg === 'POST /qr/v1/qrCodes 401 GENERAL_ERROR')).toHaveLength(1);
  });

  it('says which partner timed out, after how long, and that the timeout reversal is queued', async () => {
    // Cents 91: the sandbox partner never answers; the hub gives up after partnerTimeoutMs (1 s here).
    const created = await send(
      '/qr/v1/qrCodes',
      aCreateQrCodeRequest({ amounts: { requestAmount: zar(1091) }, qrProperties: { value: zar(1091) } }),
      RETAILER,
      'log-qr-3',
    ).expect(201);
    const tranId = created.body.tranId as string;
    const payment = aPaymentRequest(tranId, { amounts: { requestAmount: zar(1091) } });
    const answer = send('/qr/v1/payments', payment, RETAILER, 'log-pay-3').then((r) => r);
    await waitFor('the waiting payment', () => linesOf('log-pay-3').some((l) => l.msg === 'request body') || undefined);
    await new Promise((r) => setTimeout(r, 100));
    await send('/qr/v1/scans', aScanNotification(tranId, SANDBOX.id), SANDBOX, 'log-scan-3').expect(202);
    expect((await answer).status).toBe(503);

    const gaveUp = linesOf('log-pay-3').find((l) => String(l.msg).includes('outcome unknown'));
    expect(gaveUp).toMatchObject({ level: 'warn', tranId });
    expect(gaveUp?.msg).toMatch(/partner sandbox outcome unknown \(timeout; timeout 1000 ms\)/);
    expect(gaveUp?.msg).toContain('timeout reversal queued');
  });

  it('makes up a request id when the caller sends none (or an unusable one), and echoes it', async () => {
    const res = await hub.post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER).expect(201);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const odd = await send('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER, 'has spaces and "quotes"').expect(201);
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
