import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect as netConnect } from 'node:net';
import { connect } from 'node:tls';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { expectErrorDetail, expectViolations } from '../factories/error-detail.matcher';
import { OPERATOR, OTHER_RETAILER, RETAILER, SANDBOX, WALLET } from '../factories/hub-config.factory';
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
 * docs/protocol.md §3 "auth matrix" and the order of checks of docs/protocol.md §2:
 * authentication (401) → role and identity (403) → validation (400).
 *
 * The hub throttles failed logins per username AND per client address (all of
 * these requests come from 127.0.0.1), so this file makes at most a handful of
 * failed logins; throttling itself is tested in auth-throttle.e2e-spec.ts.
 */

/** A tranId no QR code has: requests that pass auth fail fast on it instead of waiting for a scan. */
const UNKNOWN_TRAN_ID = 'f'.repeat(32);
const CHALLENGE = 'Basic realm="qr"';

interface Operation {
  name: string;
  path: string;
  /** A valid message for this operation, as the demo retailer / wallet-a would send it. */
  body: () => object;
}

const OPERATIONS: Operation[] = [
  { name: 'createQrCode', path: '/qr/v1/qrCodes', body: () => aCreateQrCodeRequest() },
  { name: 'pay', path: '/qr/v1/payments', body: () => aPaymentRequest(UNKNOWN_TRAN_ID) },
  {
    name: 'confirmPayment',
    path: '/qr/v1/payments/confirmations',
    body: () => aPaymentConfirmation(randomUUID()),
  },
  { name: 'reversePayment', path: '/qr/v1/payments/reversals', body: () => aPaymentReversal(randomUUID()) },
  { name: 'notifyScan', path: '/qr/v1/scans', body: () => aScanNotification(UNKNOWN_TRAN_ID, WALLET.id) },
];
const RETAILER_OPERATIONS = OPERATIONS.filter((op) => op.name !== 'notifyScan');
const SCAN = OPERATIONS.find((op) => op.name === 'notifyScan') as Operation;
const op = (name: string): Operation => OPERATIONS.find((o) => o.name === name) as Operation;

/** Bodies no operation can accept, sent raw with their own content type. */
const BAD_BODIES: Array<{ label: string; contentType: string; text: () => string }> = [
  { label: 'malformed JSON', contentType: 'application/json', text: () => '{"id": "abc", ' },
  { label: 'an empty JSON object', contentType: 'application/json', text: () => '{}' },
  { label: 'a JSON array', contentType: 'application/json', text: () => '[1, 2, 3]' },
  { label: 'a text/plain body', contentType: 'text/plain', text: () => 'hello' },
  {
    label: 'a body over 64 KiB',
    contentType: 'application/json',
    text: () => JSON.stringify({ id: randomUUID(), pad: 'x'.repeat(70 * 1024) }),
  },
];

function expectUnauthorized(res: Response): void {
  expectErrorDetail(res, 401, 'GENERAL_ERROR');
  expect(res.headers['www-authenticate']).toBe(CHALLENGE);
}

describe('auth matrix (docs/protocol.md §3)', () => {
  let hub: TestApp;

  beforeAll(async () => {
    hub = await createTestApp();
  });
  afterAll(() => hub.close());

  /** POST `text` as-is with a content type and optional Basic credentials. */
  function postRaw(path: string, contentType: string, text: string, auth?: { id: string; password: string }) {
    const req = hub.raw().post(path).set('Content-Type', contentType);
    if (auth) req.auth(auth.id, auth.password);
    return req.send(text);
  }

  async function qrRowCount(requestId: string): Promise<number> {
    const ds = hub.app.get(DataSource);
    const rows: unknown[] = await ds
      .createQueryBuilder()
      .select('q.tran_id')
      .from('qr_codes', 'q')
      .where('q.request_id = :requestId', { requestId })
      .getRawMany();
    return rows.length;
  }

  describe('the right credentials pass (controls for the cases below)', () => {
    it('the retailer creates a QR code as itself', async () => {
      const res = await hub.post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER);
      expect(res.status).toBe(201);
    });

    it('the other retailer creates a QR code as itself', async () => {
      const request = aCreateQrCodeRequest({
        client: { id: OTHER_RETAILER.id, name: 'Other Retailer' },
        originator: { institution: { id: OTHER_RETAILER.id, name: 'Other Retailer' } },
      });
      const res = await hub.post('/qr/v1/qrCodes', request, OTHER_RETAILER);
      expect(res.status).toBe(201);
    });

    it('a partner sending a scan as itself gets past auth to the business rules', async () => {
      const res = await hub.post('/qr/v1/scans', aScanNotification(UNKNOWN_TRAN_ID, WALLET.id), WALLET);
      expectErrorDetail(res, 400, 'INVALID_TRAN_ID');
    });

    it('a retailer paying as itself gets past auth to the business rules', async () => {
      const res = await hub.post('/qr/v1/payments', aPaymentRequest(UNKNOWN_TRAN_ID), RETAILER);
      expectErrorDetail(res, 400, 'INVALID_TRAN_ID');
    });
  });

  describe('no credentials → 401 with the Basic challenge, whatever the body', () => {
    it.each(OPERATIONS.map((o) => [o.name, o] as const))('%s with a valid body', async (_name, operation) => {
      const body = operation.body();
      const res = await hub.post(operation.path, body);
      expectUnauthorized(res);
    });

    const cases = OPERATIONS.flatMap((o) => BAD_BODIES.map((b) => [o.name, b.label, o, b] as const));
    it.each(cases)('%s with %s', async (_name, _label, operation, bad) => {
      const res = await postRaw(operation.path, bad.contentType, bad.text());
      expectUnauthorized(res);
    });

    it('createQrCode with no body at all', async () => {
      const res = await hub.raw().post('/qr/v1/qrCodes');
      expectUnauthorized(res);
    });

    it('does not create the QR code', async () => {
      const request = aCreateQrCodeRequest();
      expectUnauthorized(await hub.post('/qr/v1/qrCodes', request));
      expect(await qrRowCount(request.id)).toBe(0);
    });
  });

  describe('bad credentials → 401 with the Basic challenge', () => {
    it('wrong password', async () => {
      const res = await hub.post('/qr/v1/qrCodes', aCreateQrCodeRequest(), { id: RETAILER.id, password: 'wrong' });
      expectUnauthorized(res);
    });

    it('unknown user', async () => {
      const request = aCreateQrCodeRequest({ client: { id: 'nobody', name: 'Nobody' } });
      const res = await hub.post('/qr/v1/qrCodes', request, { id: 'nobody', password: RETAILER.password });
      expectUnauthorized(res);
      expect(await qrRowCount(request.id)).toBe(0);
    });

    it('the answer carries Connection: close and the hub closes the socket', async () => {
      const port = Number(new URL(hub.baseUrl).port);
      // Its own client address: this file's failed logins from 127.0.0.1 stay a handful.
      const tcp = netConnect({ host: '127.0.0.1', port, localAddress: '127.0.5.1' });
      const socket = connect({ socket: tcp, servername: 'localhost', ca: testTls().cert });
      await once(socket, 'secureConnect');
      const closed = once(socket, 'close');
      let received = '';
      socket.setEncoding('utf8');
      const answered = new Promise<void>((resolve) =>
        socket.on('data', (chunk: string) => {
          received += chunk;
          if (/\r\n\r\n\{.*\}$/s.test(received)) resolve();
        }),
      );
      const body = JSON.stringify(aCreateQrCodeRequest());
      const auth = Buffer.from(`${RETAILER.id}:wrong`).toString('base64');
      socket.write(
        `POST /qr/v1/qrCodes HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n` +
          `Authorization: Basic ${auth}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      await answered;
      expect(received).toMatch(/^HTTP\/1\.1 401 /);
      expect(received).toMatch(/\r\nconnection: close\r\n/i);
      await closed;
    });

    it("another institution's password", async () => {
      const res = await hub.post('/qr/v1/scans', aScanNotification(UNKNOWN_TRAN_ID, WALLET.id), {
        id: WALLET.id,
        password: SANDBOX.password,
      });
      expectUnauthorized(res);
    });

    it('Basic credentials without a colon', async () => {
      const res = await hub
        .raw()
        .post('/qr/v1/qrCodes')
        .set('Authorization', `Basic ${Buffer.from(RETAILER.id).toString('base64')}`)
        .send(aCreateQrCodeRequest());
      expectUnauthorized(res);
    });

    it('a non-Basic authorization scheme', async () => {
      const res = await hub
        .raw()
        .post('/qr/v1/qrCodes')
        .set('Authorization', `Bearer ${Buffer.from(`${RETAILER.id}:${RETAILER.password}`).toString('base64')}`)
        .send(aCreateQrCodeRequest());
      expectUnauthorized(res);
    });
  });

  describe('a credential is compared whole (RFC 7617: the password may contain colons)', () => {
    it('the right password with more after another colon → 401, and nothing is stored', async () => {
      const request = aCreateQrCodeRequest();
      const res = await hub.post('/qr/v1/qrCodes', request, { id: RETAILER.id, password: `${RETAILER.password}:x` });
      expectUnauthorized(res);
      expect(await qrRowCount(request.id)).toBe(0);
    });

    it('a scheme that only contains the word "Basic" → 401', async () => {
      const res = await hub
        .raw()
        .post('/qr/v1/qrCodes')
        .set('Authorization', `NotBasic ${Buffer.from(`${RETAILER.id}:${RETAILER.password}`).toString('base64')}`)
        .send(aCreateQrCodeRequest());
      expectUnauthorized(res);
    });

    it('the scheme name in lower case is still Basic (RFC 7235) → passes', async () => {
      const res = await hub
        .raw()
        .post('/qr/v1/qrCodes')
        .set('Authorization', `basic ${Buffer.from(`${RETAILER.id}:${RETAILER.password}`).toString('base64')}`)
        .send(aCreateQrCodeRequest());
      expect(res.status).toBe(201);
    });
  });

  describe('retailer whose username is not the body client.id → 403', () => {
    it.each([
      ['createQrCode', () => aCreateQrCodeRequest({ client: { id: OTHER_RETAILER.id, name: 'Other Retailer' } })],
      ['pay', () => aPaymentRequest(UNKNOWN_TRAN_ID, { client: { id: OTHER_RETAILER.id, name: 'Other Retailer' } })],
    ] as const)('%s', async (name, body) => {
      const request = body();
      const res = await hub.post(op(name).path, request, RETAILER);
      expectErrorDetail(res, 403, 'GENERAL_ERROR');
    });

    it('createQrCode as 5678 claiming client 1234 stores nothing', async () => {
      const request = aCreateQrCodeRequest();
      const res = await hub.post('/qr/v1/qrCodes', request, OTHER_RETAILER);
      expectErrorDetail(res, 403, 'GENERAL_ERROR');
      expect(await qrRowCount(request.id)).toBe(0);
    });
  });

  describe('partner calling a retailer operation → 403', () => {
    it.each(RETAILER_OPERATIONS.map((o) => [o.name, o] as const))('%s', async (_name, operation) => {
      const res = await hub.post(operation.path, operation.body(), WALLET);
      expectErrorDetail(res, 403, 'GENERAL_ERROR');
    });

    it('createQrCode with client.id set to the partner itself', async () => {
      const request = aCreateQrCodeRequest({ client: { id: WALLET.id, name: 'Wallet A' } });
      const res = await hub.post('/qr/v1/qrCodes', request, WALLET);
      expectErrorDetail(res, 403, 'GENERAL_ERROR');
      expect(await qrRowCount(request.id)).toBe(0);
    });
  });

  describe('retailer calling /scans → 403', () => {
    it('with a scan naming a partner', async () => {
      const res = await hub.post(SCAN.path, SCAN.body(), RETAILER);
      expectErrorDetail(res, 403, 'GENERAL_ERROR');
    });

    it('with a scan naming the retailer itself as partner', async () => {
      const res = await hub.post(SCAN.path, aScanNotification(UNKNOWN_TRAN_ID, RETAILER.id), RETAILER);
      expectErrorDetail(res, 403, 'GENERAL_ERROR');
    });
  });

  describe('partner whose username is not the body partner.id → 403', () => {
    it('wallet-a sending a scan for sandbox', async () => {
      const res = await hub.post(SCAN.path, aScanNotification(UNKNOWN_TRAN_ID, SANDBOX.id), WALLET);
      expectErrorDetail(res, 403, 'GENERAL_ERROR');
    });

    it('sandbox sending a scan for wallet-a', async () => {
      const res = await hub.post(SCAN.path, aScanNotification(UNKNOWN_TRAN_ID, WALLET.id), SANDBOX);
      expectErrorDetail(res, 403, 'GENERAL_ERROR');
    });
  });

  describe('operator calling a protocol operation → 403', () => {
    it.each(OPERATIONS.map((o) => [o.name, o] as const))('%s', async (_name, operation) => {
      const res = await hub.post(operation.path, operation.body(), OPERATOR);
      expectErrorDetail(res, 403, 'GENERAL_ERROR');
    });

    it('createQrCode with client.id set to the operator itself', async () => {
      const request = aCreateQrCodeRequest({ client: { id: OPERATOR.id, name: 'Operator' } });
      const res = await hub.post('/qr/v1/qrCodes', request, OPERATOR);
      expectErrorDetail(res, 403, 'GENERAL_ERROR');
      expect(await qrRowCount(request.id)).toBe(0);
    });
  });

  describe('order of checks (docs/protocol.md §2): 401 → 403 → 400', () => {
    it('bad credentials + malformed JSON → 401', async () => {
      const res = await postRaw('/qr/v1/qrCodes', 'application/json', '{"id": ', {
        id: RETAILER.id,
        password: 'wrong-again',
      });
      expectUnauthorized(res);
    });

    it('bad credentials + a body failing validation → 401', async () => {
      const res = await hub.post('/qr/v1/qrCodes', aCreateQrCodeRequest({ id: 'not-a-uuid', time: undefined }), {
        id: 'nobody',
        password: 'nothing',
      });
      expectUnauthorized(res);
    });

    it.each([
      ['partner on /qrCodes', '/qr/v1/qrCodes', WALLET],
      ['partner on /payments/reversals', '/qr/v1/payments/reversals', WALLET],
      ['retailer on /scans', '/qr/v1/scans', RETAILER],
      ['operator on /payments', '/qr/v1/payments', OPERATOR],
    ] as const)('wrong role (%s) + invalid bodies → 403', async (_label, path, auth) => {
      for (const bad of BAD_BODIES) {
        const res = await postRaw(path, bad.contentType, bad.text(), auth);
        expectErrorDetail(res, 403, 'GENERAL_ERROR');
      }
    });

    it('identity mismatch + a body failing validation → 403', async () => {
      const request = aCreateQrCodeRequest({
        id: 'not-a-uuid',
        time: 'yesterday',
        client: { id: OTHER_RETAILER.id, name: 'Other Retailer' },
      });
      const res = await hub.post('/qr/v1/qrCodes', request, RETAILER);
      expectErrorDetail(res, 403, 'GENERAL_ERROR');
    });

    it('scan identity mismatch + a body failing validation → 403', async () => {
      const res = await hub.post('/qr/v1/scans', aScanNotification(UNKNOWN_TRAN_ID, SANDBOX.id, { id: 42 }), WALLET);
      expectErrorDetail(res, 403, 'GENERAL_ERROR');
    });

    const authOf = (o: Operation) => (o.name === 'notifyScan' ? WALLET : RETAILER);

    it.each(OPERATIONS.map((o) => [o.name, o] as const))(
      'good auth + malformed JSON → 400 FORMAT_ERROR (%s)',
      async (_name, operation) => {
        const res = await postRaw(operation.path, 'application/json', '{"id": ', authOf(operation));
        expectErrorDetail(res, 400, 'FORMAT_ERROR');
      },
    );

    it.each(OPERATIONS.map((o) => [o.name, o] as const))(
      'good auth + an empty object → 400 FORMAT_ERROR listing the missing fields (%s)',
      async (_name, operation) => {
        const res = await postRaw(operation.path, 'application/json', '{}', authOf(operation));
        const violations = expectViolations(res);
        expect(violations.map((v) => v.field)).toEqual(expect.arrayContaining(['id', 'time']));
      },
    );
  });
});
