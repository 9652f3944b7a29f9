import { randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import type { Response } from 'supertest';
import { expectErrorDetail, expectViolations, STACK_TRACE } from '../factories/error-detail.matcher';
import { RETAILER, WALLET } from '../factories/hub-config.factory';
import {
  aCreateQrCodeRequest,
  aPaymentConfirmation,
  aPaymentRequest,
  aPaymentReversal,
  aScanNotification,
} from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { testTls } from '../utils/test-tls';

/**
 * docs/protocol.md §2 "ErrorDetail on every error path": body parsing, content type,
 * size, routing, methods, non-object bodies, and the ids an ErrorDetail
 * carries (`id`, `tranId`, `originalId`). No error body is ever a framework
 * default or a stack trace (checked by `expectErrorDetail` on every answer).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** docs/protocol.md §2 default body limit: 64 KiB. */
const BODY_LIMIT = 64 * 1024;
/** A tranId no QR code has. */
const UNKNOWN_TRAN_ID = 'e'.repeat(32);

type Auth = { id: string; password: string };
interface Operation {
  name: string;
  path: string;
  auth: Auth;
}
const OPERATIONS: Operation[] = [
  { name: 'createQrCode', path: '/qr/v1/qrCodes', auth: RETAILER },
  { name: 'pay', path: '/qr/v1/payments', auth: RETAILER },
  { name: 'confirmPayment', path: '/qr/v1/payments/confirmations', auth: RETAILER },
  { name: 'reversePayment', path: '/qr/v1/payments/reversals', auth: RETAILER },
  { name: 'notifyScan', path: '/qr/v1/scans', auth: WALLET },
];
const each = OPERATIONS.map((o) => [o.name, o] as const);

/** A JSON text of exactly `bytes` bytes: a valid createQrCode padded with an unknown property. */
function createQrCodeJsonOfSize(bytes: number): { id: string; text: string } {
  const request = aCreateQrCodeRequest();
  const empty = JSON.stringify({ ...request, pad: '' });
  const text = JSON.stringify({ ...request, pad: 'x'.repeat(bytes - Buffer.byteLength(empty)) });
  expect(Buffer.byteLength(text)).toBe(bytes);
  return { id: request.id, text };
}

describe('ErrorDetail on every error path (docs/protocol.md §2)', () => {
  let hub: TestApp;

  beforeAll(async () => {
    hub = await createTestApp();
  });
  afterAll(() => hub.close());

  function postRaw(path: string, contentType: string | undefined, text: string | Buffer, auth: Auth = RETAILER) {
    const req = hub.raw().post(path).auth(auth.id, auth.password);
    if (contentType !== undefined) req.set('Content-Type', contentType);
    return req.send(text as string);
  }

  describe('malformed JSON → 400 FORMAT_ERROR', () => {
    it.each(each)('%s', async (_name, operation) => {
      const res = await postRaw(operation.path, 'application/json', '{"id": "x", ', operation.auth);
      const body = expectErrorDetail(res, 400, 'FORMAT_ERROR');
      expect(body.id).toMatch(UUID);
    });

    it.each([
      ['a trailing comma', '{"id": "a",}'],
      ['single quotes', "{'id': 'a'}"],
      ['trailing garbage', '{"id": "a"} x'],
      ['an unterminated string', '{"id": "a'],
      ['NaN', '{"amount": NaN}'],
      ['a bare word', 'hello'],
    ])('%s', async (_label, text) => {
      const res = await postRaw('/qr/v1/qrCodes', 'application/json', text);
      expectErrorDetail(res, 400, 'FORMAT_ERROR');
    });
  });

  describe('wrong content type → 415 FORMAT_ERROR', () => {
    it.each([
      ['text/plain', 'text/plain', 'hello'],
      ['text/plain holding valid JSON', 'text/plain', null],
      ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', 'id=1&time=now'],
      ['application/xml', 'application/xml', '<CreateQrCodeRequest/>'],
      ['multipart/form-data', 'multipart/form-data; boundary=abc', '--abc\r\n\r\nx\r\n--abc--'],
    ])('%s', async (_label, contentType, text) => {
      const res = await postRaw('/qr/v1/qrCodes', contentType, text ?? JSON.stringify(aCreateQrCodeRequest()));
      expectErrorDetail(res, 415, 'FORMAT_ERROR');
    });

    it('no content type at all', async () => {
      const res = await postRaw('/qr/v1/qrCodes', undefined, Buffer.from(JSON.stringify(aCreateQrCodeRequest())));
      expectErrorDetail(res, 415, 'FORMAT_ERROR');
    });

    it('JSON in a charset other than UTF-8', async () => {
      const res = await postRaw('/qr/v1/qrCodes', 'application/json; charset=ibm500', '{}');
      expectErrorDetail(res, 415, 'FORMAT_ERROR');
    });

    it.each(each)('%s with text/plain', async (_name, operation) => {
      const res = await postRaw(operation.path, 'text/plain', 'hello', operation.auth);
      expectErrorDetail(res, 415, 'FORMAT_ERROR');
    });

    it('application/json with a charset parameter is accepted', async () => {
      const res = await postRaw(
        '/qr/v1/qrCodes',
        'application/json; charset=utf-8',
        JSON.stringify(aCreateQrCodeRequest()),
      );
      expect(res.status).toBe(201);
    });
  });

  describe('body over the size limit (64 KiB) → 413 FORMAT_ERROR', () => {
    it.each(each)('%s', async (_name, operation) => {
      const text = JSON.stringify({ id: randomUUID(), pad: 'x'.repeat(BODY_LIMIT + 1024) });
      const res = await postRaw(operation.path, 'application/json', text, operation.auth);
      const body = expectErrorDetail(res, 413, 'FORMAT_ERROR');
      // The body was never read, so its id is not known.
      expect(body.id).toMatch(UUID);
    });

    it('a body of exactly 64 KiB is accepted', async () => {
      const { id, text } = createQrCodeJsonOfSize(BODY_LIMIT);
      const res = await postRaw('/qr/v1/qrCodes', 'application/json', text);
      expect(res.status).toBe(201);
      expect(res.body.id).toBe(id);
      expect(res.body).not.toHaveProperty('pad');
    });

    it('a body of 64 KiB + 1 byte is refused', async () => {
      const { text } = createQrCodeJsonOfSize(BODY_LIMIT + 1);
      const res = await postRaw('/qr/v1/qrCodes', 'application/json', text);
      expectErrorDetail(res, 413, 'FORMAT_ERROR');
    });

    it('a chunked body (no Content-Length) over the limit is refused', async () => {
      const tls = testTls();
      const { text } = createQrCodeJsonOfSize(BODY_LIMIT * 2);
      const res = await new Promise<{ status: number; contentType: string; text: string }>((resolve, reject) => {
        const url = new URL('/qr/v1/qrCodes', hub.baseUrl);
        const req = httpsRequest(
          url,
          {
            method: 'POST',
            ca: tls.cert,
            headers: {
              'Content-Type': 'application/json',
              'Transfer-Encoding': 'chunked',
              Authorization: `Basic ${Buffer.from(`${RETAILER.id}:${RETAILER.password}`).toString('base64')}`,
            },
          },
          (response) => {
            let data = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (data += chunk));
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                contentType: String(response.headers['content-type']),
                text: data,
              }),
            );
          },
        );
        req.on('error', reject);
        // Write in chunks; the server may answer before it has read them all.
        const chunks = text.match(/[\s\S]{1,8192}/g) ?? [];
        for (const chunk of chunks) req.write(chunk);
        req.end();
      });
      expect(res.status).toBe(413);
      expect(res.contentType).toMatch(/^application\/json\b/);
      const body = JSON.parse(res.text) as { errorType: string; errorMessage: string };
      expect(body.errorType).toBe('FORMAT_ERROR');
      expect(body.errorMessage.length).toBeLessThanOrEqual(40);
    });
  });

  describe('unknown route → 404 FUNCTION_NOT_SUPPORTED', () => {
    it.each([
      ['POST', '/qr/v1/refunds'],
      ['POST', '/qr/v1/qrCodes/extra/segments'],
      ['POST', '/qr/v1/payments/voids'],
      ['POST', '/qr/v2/qrCodes'],
      ['POST', '/'],
      ['GET', '/qr/v1/nothing-here'],
      ['GET', '/nothing-here'],
      ['DELETE', '/qr/v1/unknown'],
    ] as const)('%s %s', async (method, path) => {
      const agent = hub.raw();
      const req = method === 'POST' ? agent.post(path) : method === 'GET' ? agent.get(path) : agent.delete(path);
      req.auth(RETAILER.id, RETAILER.password);
      if (method === 'POST') req.set('Content-Type', 'application/json').send(JSON.stringify({ id: randomUUID() }));
      const res = await req;
      expectErrorDetail(res, 404, 'FUNCTION_NOT_SUPPORTED');
    });

    it('answers 404 without credentials too (there is nothing to authenticate for)', async () => {
      const res = await hub.raw().post('/qr/v1/refunds').set('Content-Type', 'application/json').send('{}');
      expect([401, 404]).toContain(res.status);
      expectErrorDetail(res, res.status, res.status === 401 ? 'GENERAL_ERROR' : 'FUNCTION_NOT_SUPPORTED');
    });
  });

  describe('another method on a known path → 501 FUNCTION_NOT_SUPPORTED', () => {
    const methods = ['get', 'put', 'patch', 'delete'] as const;
    const cases = OPERATIONS.flatMap((o) => methods.map((m) => [m.toUpperCase(), o.path, m, o] as const));
    it.each(cases)('%s %s', async (_label, _path, method, operation) => {
      const res = await hub.raw()[method](operation.path).auth(operation.auth.id, operation.auth.password);
      expectErrorDetail(res, 501, 'FUNCTION_NOT_SUPPORTED');
    });
  });

  describe('a body that is not a JSON object → 400 FORMAT_ERROR', () => {
    const bodies = [
      ['an array', '[]'],
      ['an array of a message', null],
      ['null', 'null'],
      ['a string', '"a string"'],
      ['a number', '42'],
      ['true', 'true'],
    ] as const;
    const cases = OPERATIONS.flatMap((o) => bodies.map(([label, text]) => [o.name, label, o, text] as const));
    it.each(cases)('%s with %s', async (_name, _label, operation, text) => {
      const res = await postRaw(
        operation.path,
        'application/json',
        text ?? JSON.stringify([aCreateQrCodeRequest()]),
        operation.auth,
      );
      const body = expectErrorDetail(res, 400, 'FORMAT_ERROR');
      expect(body.id).toMatch(UUID);
    });
  });

  describe('ErrorDetail.id', () => {
    it('echoes the request id of a message that fails validation', async () => {
      const request = aCreateQrCodeRequest({ time: 'not a time' });
      const body = expectErrorDetail(await hub.post('/qr/v1/qrCodes', request, RETAILER), 400, 'FORMAT_ERROR');
      expect(body.id).toBe(request.id);
    });

    it('echoes the request id of a message refused by a business rule', async () => {
      const payment = aPaymentRequest(UNKNOWN_TRAN_ID);
      const body = expectErrorDetail(await hub.post('/qr/v1/payments', payment, RETAILER), 400, 'INVALID_TRAN_ID');
      expect(body.id).toBe(payment.id);
    });

    it('echoes the request id of a duplicate', async () => {
      const request = aCreateQrCodeRequest();
      expect((await hub.post('/qr/v1/qrCodes', request, RETAILER)).status).toBe(201);
      const body = expectErrorDetail(await hub.post('/qr/v1/qrCodes', request, RETAILER), 400, 'DUPLICATE_RECORD');
      expect(body.id).toBe(request.id);
    });

    it('echoes the request id of a message without credentials', async () => {
      const request = aCreateQrCodeRequest();
      const body = expectErrorDetail(await hub.post('/qr/v1/qrCodes', request), 401, 'GENERAL_ERROR');
      expect(body.id).toBe(request.id);
    });

    it('echoes the advice id (not its requestId) for an advice', async () => {
      const confirmation = aPaymentConfirmation(randomUUID(), { time: 'noon' });
      const body = expectErrorDetail(
        await hub.post('/qr/v1/payments/confirmations', confirmation, RETAILER),
        400,
        'FORMAT_ERROR',
      );
      expect(body.id).toBe(confirmation.id);
    });

    it('is a fresh UUID for every error whose body has no id', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await postRaw('/qr/v1/qrCodes', 'application/json', '{"id": ');
        ids.push(expectErrorDetail(res, 400, 'FORMAT_ERROR').id);
      }
      const request = aCreateQrCodeRequest({ id: undefined });
      ids.push(expectErrorDetail(await hub.post('/qr/v1/qrCodes', request, RETAILER), 400, 'FORMAT_ERROR').id);
      for (const id of ids) expect(id).toMatch(UUID);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('is a fresh UUID when the body id is not a string', async () => {
      const request = aCreateQrCodeRequest({ id: 12345 });
      const body = expectErrorDetail(await hub.post('/qr/v1/qrCodes', request, RETAILER), 400, 'FORMAT_ERROR');
      expect(body.id).toMatch(UUID);
    });
  });

  describe('ErrorDetail.tranId', () => {
    it('is echoed when a payment names an unknown tranId', async () => {
      const payment = aPaymentRequest(UNKNOWN_TRAN_ID);
      const body = expectErrorDetail(await hub.post('/qr/v1/payments', payment, RETAILER), 400, 'INVALID_TRAN_ID');
      expect(body.tranId).toBe(UNKNOWN_TRAN_ID);
    });

    it('is echoed when a payment fails validation', async () => {
      const payment = aPaymentRequest(UNKNOWN_TRAN_ID, { amounts: undefined });
      const body = expectErrorDetail(await hub.post('/qr/v1/payments', payment, RETAILER), 400, 'FORMAT_ERROR');
      expect(body.tranId).toBe(UNKNOWN_TRAN_ID);
    });

    it('is echoed when a scan names an unknown tranId', async () => {
      const scan = aScanNotification(UNKNOWN_TRAN_ID, WALLET.id);
      const body = expectErrorDetail(await hub.post('/qr/v1/scans', scan, WALLET), 400, 'INVALID_TRAN_ID');
      expect(body.tranId).toBe(UNKNOWN_TRAN_ID);
    });

    it('is echoed when a payment is refused for its amount', async () => {
      const qr = await hub.post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER).expect(201);
      const tranId = qr.body.tranId as string;
      const payment = aPaymentRequest(tranId, { amounts: { requestAmount: { amount: 20_000, currency: '710' } } });
      const body = expectErrorDetail(await hub.post('/qr/v1/payments', payment, RETAILER), 400, 'INVALID_AMOUNT');
      expect(body.tranId).toBe(tranId);
    });

    it('is absent when no tranId is known', async () => {
      const body = expectErrorDetail(await postRaw('/qr/v1/qrCodes', 'application/json', '{'), 400, 'FORMAT_ERROR');
      expect(body).not.toHaveProperty('tranId');
    });
  });

  describe('ErrorDetail.originalId for advices', () => {
    it('is the requestId of a confirmation of an unknown payment (404)', async () => {
      const confirmation = aPaymentConfirmation(randomUUID());
      const res = await hub.post('/qr/v1/payments/confirmations', confirmation, RETAILER);
      const body = expectErrorDetail(res, 404, 'UNABLE_TO_LOCATE_RECORD');
      expect(body.originalId).toBe(confirmation.requestId);
      expect(body.id).toBe(confirmation.id);
    });

    it('is the requestId of a reversal of an unknown payment (404)', async () => {
      const reversal = aPaymentReversal(randomUUID());
      const res = await hub.post('/qr/v1/payments/reversals', reversal, RETAILER);
      const body = expectErrorDetail(res, 404, 'UNABLE_TO_LOCATE_RECORD');
      expect(body.originalId).toBe(reversal.requestId);
      expect(body.id).toBe(reversal.id);
    });

    it('is the requestId of an advice that fails validation', async () => {
      const reversal = aPaymentReversal(randomUUID(), { reversalReason: 'BECAUSE' });
      const res = await hub.post('/qr/v1/payments/reversals', reversal, RETAILER);
      expectViolations(res);
      expect(res.body.originalId).toBe(reversal.requestId);
    });

    it('is absent for request messages', async () => {
      const res = await hub.post('/qr/v1/payments', aPaymentRequest(UNKNOWN_TRAN_ID), RETAILER);
      const body = expectErrorDetail(res, 400, 'INVALID_TRAN_ID');
      expect(body).not.toHaveProperty('originalId');
    });
  });

  describe('no stack traces, internals or framework bodies', () => {
    const nasty: Array<[string, () => { path: string; contentType: string; text: string | Buffer; auth?: Auth }]> = [
      [
        'deeply nested arrays',
        () => ({
          path: '/qr/v1/qrCodes',
          contentType: 'application/json',
          text: `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`,
        }),
      ],
      [
        'deeply nested objects',
        () => ({
          path: '/qr/v1/payments',
          contentType: 'application/json',
          text: `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
        }),
      ],
      [
        '__proto__ keys',
        () => ({
          path: '/qr/v1/qrCodes',
          contentType: 'application/json',
          text: JSON.stringify({
            ...aCreateQrCodeRequest(),
            originator: JSON.parse('{"__proto__": {"terminalId": "TERM0001"}}'),
          }),
        }),
      ],
      [
        'constructor.prototype keys',
        () => ({
          path: '/qr/v1/qrCodes',
          contentType: 'application/json',
          text: '{"constructor": {"prototype": {"isAdmin": true}}}',
        }),
      ],
      [
        'a number out of double range',
        () => ({
          path: '/qr/v1/qrCodes',
          contentType: 'application/json',
          text: JSON.stringify(aCreateQrCodeRequest()).replace('"amount":10000', '"amount":1e400'),
        }),
      ],
      [
        'invalid UTF-8',
        () => ({
          path: '/qr/v1/qrCodes',
          contentType: 'application/json',
          text: Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        }),
      ],
      [
        'a gzip header over plain bytes',
        () => ({
          path: '/qr/v1/qrCodes',
          contentType: 'application/json',
          text: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]),
        }),
      ],
      [
        'objects where strings belong',
        () => ({
          path: '/qr/v1/payments/reversals',
          contentType: 'application/json',
          text: JSON.stringify({
            id: {},
            requestId: [],
            time: { a: 1 },
            thirdPartyIdentifiers: 'x',
            reversalReason: {},
          }),
        }),
      ],
      [
        'a scan with every field the wrong type',
        () => ({
          path: '/qr/v1/scans',
          auth: WALLET,
          contentType: 'application/json',
          text: JSON.stringify({ id: 1, time: 2, partner: 3, tranId: 4, amounts: 5, thirdPartyIdentifiers: 6 }),
        }),
      ],
    ];

    it.each(nasty)('%s', async (_label, make) => {
      const { path, contentType, text, auth } = make();
      const res: Response = await postRaw(path, contentType, text, auth);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expectErrorDetail(res, res.status, 'FORMAT_ERROR');
      expect(res.text).not.toMatch(STACK_TRACE);
      expect(res.text).not.toMatch(/node_modules|\/src\/|\.ts:\d+|<html|<!DOCTYPE/i);
    });

    it('gzip-encoded garbage', async () => {
      const res = await hub
        .raw()
        .post('/qr/v1/qrCodes')
        .auth(RETAILER.id, RETAILER.password)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .send('definitely not gzip');
      expect([400, 415]).toContain(res.status);
      expectErrorDetail(res, res.status, 'FORMAT_ERROR');
    });

    it('an unsupported content encoding', async () => {
      const res = await hub
        .raw()
        .post('/qr/v1/qrCodes')
        .auth(RETAILER.id, RETAILER.password)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'x-unknown')
        .send('{}');
      expectErrorDetail(res, 415, 'FORMAT_ERROR');
    });
  });
});
