import {
  aCreateQrCodeRequest,
  aPaymentConfirmation,
  aPaymentRequest,
  aScanNotification,
} from '../factories/messages.factory';
import { RETAILER, WALLET } from '../factories/hub-config.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createQr, payWithScan, poster, waitFor } from '../utils/flows';
import { PartnerServer, startPartnerServer } from '../utils/partner-server';
import { startTcpProxy, TcpProxy } from '../utils/tcp-proxy';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

/**
 * docs/protocol.md §10 "database unreachable": PostgreSQL is cut off from the hub (through
 * a TCP proxy, so other tests keep their database) and comes back.
 */
describe('database outage and recovery (docs/protocol.md §10)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let partner: PartnerServer;
  let hub: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    proxy = await startTcpProxy('127.0.0.1', 5432);
    partner = await startPartnerServer();
    const proxied = new URL(db.url);
    proxied.port = String(proxy.port);
    hub = await createTestApp({
      database: { ...db, url: proxied.toString() },
      walletBaseUrl: partner.baseUrl,
      walletCaFile: partner.caFile,
      scanWaitMs: 3_000,
      partnerTimeoutMs: 2_000,
      initialDelayMs: 100,
      maxDelayMs: 500,
    });
  });
  afterAll(async () => {
    await hub.close();
    await proxy.close();
    await partner.close();
    await db.drop();
  });

  it('answers 503 (definite) for createQrCode, pay and scans and 500 (unknown) for advices while the database is down, and recovers by itself', async () => {
    const post = poster(hub.baseUrl);
    const tranId = await createQr(post, 1000);
    const paid = await payWithScan(post, tranId, 1000);
    expect(paid.answer.status).toBe(201);
    partner.setMode('down');
    expect((await post('/qr/v1/payments/confirmations', aPaymentConfirmation(paid.id), RETAILER)).status).toBe(202);

    proxy.down();
    const create = await post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER);
    expect(create.status).toBe(503);
    expect(create.body.errorType).toBe('GENERAL_ERROR');
    const other = await createQr(post, 1000).catch(() => 'none');
    expect(other).toBe('none');
    const pay = await post('/qr/v1/payments', aPaymentRequest(tranId), RETAILER);
    expect(pay.status).toBe(503);
    const scan = await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET);
    expect(scan.status).toBe(503);
    const advice = await post(
      '/qr/v1/payments/reversals',
      aPaymentConfirmation(paid.id, { reversalReason: 'CANCELLED' }),
      RETAILER,
    );
    expect(advice.status).toBe(500);
    expect(advice.body.errorType).toBe('GENERAL_ERROR');
    const ready = await hub.raw().get('/health/ready');
    expect(ready.status).toBe(503);

    proxy.up();
    partner.setMode('normal');
    await waitFor('readiness to return', async () =>
      (await hub.raw().get('/health/ready')).status === 200 ? true : undefined,
    );
    expect((await post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER)).status).toBe(201);
    // The confirmation queued before the outage is delivered without a restart.
    const upstream = partner.received.find((m) => m.path === '/payments' && m.body.tranId === tranId)!;
    await waitFor('the queued confirmation', () =>
      partner.received.find((m) => m.path === '/payments/confirmations' && m.body.requestId === upstream.body.id),
    );
    // Nothing that could not be recorded first went upstream: one PaymentRequest for the code, the first.
    expect(partner.received.filter((m) => m.path === '/payments' && m.body.tranId === tranId)).toHaveLength(1);
  });

  it('answers 503 within a bounded time when the database stops answering without closing connections, and recovers', async () => {
    const post = poster(hub.baseUrl);
    expect((await post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER)).status).toBe(201);

    proxy.blackHole();
    try {
      // Pooled connections get no answer (query_timeout 12 s, then dropped), new
      // ones no handshake (connectionTimeoutMillis 5 s): no request may hang.
      const started = Date.now();
      const answers = await Promise.all([
        post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER),
        post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER),
      ]);
      expect(Date.now() - started).toBeLessThan(16_000);
      for (const create of answers) {
        expect(create.status).toBe(503);
        expect(create.body.errorType).toBe('GENERAL_ERROR');
      }
    } finally {
      proxy.up();
    }

    await waitFor('readiness to return', async () =>
      (await hub.raw().get('/health/ready')).status === 200 ? true : undefined,
    );
    expect((await post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER)).status).toBe(201);
  }, 40_000);
});
