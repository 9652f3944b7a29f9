import { once } from 'node:events';
import { request } from 'node:https';
import { connect as netConnect } from 'node:net';
import { connect, TLSSocket } from 'node:tls';
import { expectErrorDetail } from '../factories/error-detail.matcher';
import { OTHER_RETAILER, RETAILER, SANDBOX } from '../factories/hub-config.factory';
import { aCreateQrCodeRequest, aPaymentRequest, aScanNotification } from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createQr, payment, poster, Post, waitFor } from '../utils/flows';
import { HubStore } from '../utils/lifecycle-db';
import { testTls } from '../utils/test-tls';

/**
 * What one caller can make the hub hold: payments waiting for their scan per
 * retailer (`limits.heldPaymentsPerRetailer`) and open connections
 * (`MAX_CONNECTIONS` in all, `MAX_CONNECTIONS_PER_ADDRESS` from one client
 * address; other loopback addresses stand for other clients).
 */
describe('limits on what a caller can make the hub hold', () => {
  describe('held payments per retailer (limit 2)', () => {
    let hub: TestApp;
    let store: HubStore;
    let post: Post;

    beforeAll(async () => {
      hub = await createTestApp({ heldPaymentsPerRetailer: 2 });
      store = new HubStore(hub);
      post = poster(hub.baseUrl);
    });
    afterAll(async () => {
      await hub?.close();
    });

    const otherRetailer = { client: { id: OTHER_RETAILER.id, name: 'Other Retailer' } };
    const zar = (amount: number) => ({ amount, currency: '710' });

    it('the third waiting pay gets a definite failure at once and stores nothing; another retailer is unaffected', async () => {
      const tranIds = [await createQr(post, 1000), await createQr(post, 1000), await createQr(post, 1000)];
      const held = tranIds.slice(0, 2).map((tranId) => {
        const body = payment(tranId, 1000);
        return { body, answer: post('/qr/v1/payments', body, RETAILER) };
      });
      for (const { body } of held) await store.untilPaymentState(body.id, 'WAITING_SCAN');

      const third = payment(tranIds[2], 1000);
      const refused = await post('/qr/v1/payments', third, RETAILER);
      expectErrorDetail(refused, 503, 'GENERAL_ERROR');
      expect(refused.body).toMatchObject({ id: third.id, errorMessage: 'Too many payments waiting for a scan' });
      expect(await store.payment(third.id)).toBeNull();

      // The other retailer's payment is held as usual.
      const qr = await post(
        '/qr/v1/qrCodes',
        aCreateQrCodeRequest({
          ...otherRetailer,
          originator: { institution: { id: OTHER_RETAILER.id, name: 'Other Retailer' } },
          amounts: { requestAmount: zar(1000) },
          qrProperties: { value: zar(1000) },
        }),
        OTHER_RETAILER,
      );
      expect(qr.status).toBe(201);
      const otherTranId = qr.body.tranId as string;
      const other = aPaymentRequest(otherTranId, { ...otherRetailer, amounts: { requestAmount: zar(1000) } });
      const otherAnswer = post('/qr/v1/payments', other, OTHER_RETAILER);
      await store.untilPaymentState(other.id, 'WAITING_SCAN');

      // Scans release every held payment; a freed slot takes the next payment.
      for (const tranId of [...tranIds.slice(0, 2), otherTranId]) {
        expect((await post('/qr/v1/scans', aScanNotification(tranId, SANDBOX.id), SANDBOX)).status).toBe(202);
      }
      expect((await Promise.all([...held.map((h) => h.answer), otherAnswer])).map((r) => r.status)).toEqual([
        201, 201, 201,
      ]);
      const retry = payment(tranIds[2], 1000);
      const again = post('/qr/v1/payments', retry, RETAILER);
      await store.untilPaymentState(retry.id, 'WAITING_SCAN');
      expect((await post('/qr/v1/scans', aScanNotification(tranIds[2], SANDBOX.id), SANDBOX)).status).toBe(202);
      expect((await again).status).toBe(201);
    });

    it('concurrent pays of one retailer take exactly the free slots: the rest are refused and not stored', async () => {
      const tranIds = await Promise.all(Array.from({ length: 8 }, () => createQr(post, 1000)));
      const pays = tranIds.map((tranId) => {
        const body = payment(tranId, 1000);
        const pending = { id: body.id, tranId, answer: post('/qr/v1/payments', body, RETAILER), done: false };
        void pending.answer.finally(() => (pending.done = true)).catch(() => undefined);
        return pending;
      });
      const ids = pays.map((p) => p.id);
      // Every pay is decided: answered at once (refused) or stored waiting for its scan.
      await waitFor('every pay held or answered', async () => {
        const held = await store.countPayments(ids, 'WAITING_SCAN');
        return held + pays.filter((p) => p.done).length === pays.length || undefined;
      });

      const refused = pays.filter((p) => p.done);
      const held = pays.filter((p) => !p.done);
      expect(held.length).toBe(2);
      for (const p of refused) {
        const answer = await p.answer;
        expectErrorDetail(answer, 503, 'GENERAL_ERROR');
        expect(answer.body).toMatchObject({ id: p.id, errorMessage: 'Too many payments waiting for a scan' });
        expect(await store.payment(p.id)).toBeNull();
      }

      for (const p of held) {
        expect((await post('/qr/v1/scans', aScanNotification(p.tranId, SANDBOX.id), SANDBOX)).status).toBe(202);
        expect((await p.answer).status).toBe(201);
      }
    });
  });

  /** A TLS connection to the hub from `localAddress`, trusting the test CA. */
  function open(hub: TestApp, localAddress: string): TLSSocket {
    const port = Number(new URL(hub.baseUrl).port);
    // TCP from `localAddress` first (tls.connect's types lack it), then TLS over it.
    const tcp = netConnect({ host: '127.0.0.1', port, localAddress });
    tcp.on('error', () => undefined);
    const socket = connect({ socket: tcp, servername: 'localhost', ca: testTls().cert });
    socket.on('error', () => undefined);
    return socket;
  }

  /** Whether `socket` completes its TLS handshake (true) or is closed before it (false); then drops it. */
  async function handshakes(socket: TLSSocket): Promise<boolean> {
    const done = await new Promise<boolean>((settle) => {
      socket.once('secureConnect', () => settle(true));
      socket.once('close', () => settle(false));
    });
    socket.destroy();
    return done;
  }

  describe('open connections (MAX_CONNECTIONS=2)', () => {
    let hub: TestApp;

    beforeAll(async () => {
      hub = await createTestApp({ env: { MAX_CONNECTIONS: '2' } });
    });
    afterAll(async () => {
      await hub?.close();
    });

    it('a connection beyond the cap is dropped before its handshake; the others are served', async () => {
      // Three addresses: the per-address cap (half of 2) does not decide here, the total does.
      const kept = [open(hub, '127.0.0.2'), open(hub, '127.0.0.3')];
      try {
        await Promise.all(kept.map((s) => once(s, 'secureConnect')));
        expect(await handshakes(open(hub, '127.0.0.4'))).toBe(false);
      } finally {
        for (const socket of kept) socket.destroy();
      }
    });
  });

  describe('open connections per client address (MAX_CONNECTIONS=4, MAX_CONNECTIONS_PER_ADDRESS=3)', () => {
    let hub: TestApp;

    beforeAll(async () => {
      // Without the per-address cap one address's four connections would fill the total.
      hub = await createTestApp({ env: { MAX_CONNECTIONS: '4', MAX_CONNECTIONS_PER_ADDRESS: '3' } });
    });
    afterAll(async () => {
      await hub?.close();
    });

    /** GET /health/live over a new connection from `localAddress`. */
    function live(localAddress: string): Promise<number> {
      const port = Number(new URL(hub.baseUrl).port);
      return new Promise((done, fail) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            localAddress,
            path: '/health/live',
            servername: 'localhost',
            ca: testTls().cert,
            agent: false,
          },
          (res) => {
            res.resume();
            res.on('end', () => done(res.statusCode ?? 0));
          },
        );
        req.on('error', fail);
        req.end();
      });
    }

    it("one address's fourth connection is closed at once; another address still completes its handshake and is answered", async () => {
      const flood = [open(hub, '127.0.0.2'), open(hub, '127.0.0.2'), open(hub, '127.0.0.2')];
      try {
        await Promise.all(flood.map((s) => once(s, 'secureConnect')));
        expect(await handshakes(open(hub, '127.0.0.2'))).toBe(false);

        expect(await live('127.0.0.3')).toBe(200);
      } finally {
        for (const socket of flood) socket.destroy();
      }
    });
  });
});
