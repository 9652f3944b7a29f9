import type { Response } from 'supertest';
import { expectErrorDetail } from '../factories/error-detail.matcher';
import { RETAILER, SANDBOX, WALLET } from '../factories/hub-config.factory';
import { aPaymentRequest, aScanNotification } from '../factories/messages.factory';
import type { PaymentRequestDto } from '@app/common/dto/payment-request.dto';
import { Payment } from '@app/lifecycle/payment.entity';
import { Database, managerOf } from '@app/persistence/database';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createQr, Post, poster, waitFor } from '../utils/flows';
import { HubStore, settledWithin } from '../utils/lifecycle-db';
import { partnerCalls, PartnerServer, startPartnerServer } from '../utils/partner-server';

/**
 * docs/protocol.md §6 — `notifyScan`: the partner tells the hub its customer scanned a
 * code; the hub links the scan to the payment waiting for that `tranId`.
 * Two partners are configured: `wallet-a` (a real HTTPS partner server) and
 * the in-process `sandbox`.
 */

const zar = (amount: number) => ({ amount, currency: '710' });
const SCAN_WAIT_MS = 1000;

function aPay(tranId: string, amount: number): PaymentRequestDto {
  return aPaymentRequest(tranId, { amounts: { requestAmount: zar(amount) } });
}

describe('notifyScan (docs/protocol.md §6)', () => {
  let partner: PartnerServer;
  let hub: TestApp;
  let store: HubStore;
  let post: Post;

  beforeAll(async () => {
    partner = await startPartnerServer();
    hub = await createTestApp({
      walletBaseUrl: partner.baseUrl,
      walletCaFile: partner.caFile,
      scanWaitMs: SCAN_WAIT_MS,
      partnerTimeoutMs: 1000,
      initialDelayMs: 50,
      maxDelayMs: 200,
    });
    store = new HubStore(hub);
    post = poster(hub.baseUrl);
  });
  afterAll(async () => {
    await hub?.close();
    await partner?.close();
  });

  /** Starts `pay` and resolves once the hub holds it waiting for a scan. */
  async function waitingPayment(amount: number, extra: Record<string, unknown> = {}) {
    const tranId = await createQr(post, amount, extra);
    const body = aPay(tranId, amount);
    const answer = post('/qr/v1/payments', body, RETAILER);
    answer.catch(() => undefined);
    await store.untilPaymentState(body.id, 'WAITING_SCAN');
    return { tranId, body, answer };
  }

  const upstreamPayments = (tranId: string) => partnerCalls(partner, '/payments').filter((m) => m.tranId === tranId);

  it('accepted → 202 with an empty body, and the waiting payment is released at once', async () => {
    const { tranId, body, answer } = await waitingPayment(3000);
    const scan = aScanNotification(tranId, WALLET.id);
    const res = await post('/qr/v1/scans', scan, WALLET);
    const releasedAt = Date.now();
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    expect(res.body).toEqual({});
    const paid = await answer;
    expect(paid.status).toBe(201);
    expect(Date.now() - releasedAt).toBeLessThan(SCAN_WAIT_MS / 2);
    const [row] = await store.scansByTranId(tranId);
    expect(row).toMatchObject({ id: scan.id, status: 'ACCEPTED', paymentId: body.id, partnerId: WALLET.id });
  });

  it('reused scan id → 400 DUPLICATE_RECORD', async () => {
    const first = await waitingPayment(3100);
    const scan = aScanNotification(first.tranId, WALLET.id);
    expect((await post('/qr/v1/scans', scan, WALLET)).status).toBe(202);
    expect((await first.answer).status).toBe(201);

    const second = await waitingPayment(3100);
    const reused = await post('/qr/v1/scans', { ...aScanNotification(second.tranId, WALLET.id), id: scan.id }, WALLET);
    const error = expectErrorDetail(reused, 400, 'DUPLICATE_RECORD');
    expect(error.id).toBe(scan.id);
    // The reused id did not release the second payment.
    expect((await store.payment(second.body.id))?.state).toBe('WAITING_SCAN');
    expect(upstreamPayments(second.tranId)).toHaveLength(0);
    expectErrorDetail(await second.answer, 400, 'NO_SCAN_RECEIVED');
  });

  it('unknown tranId → 400 INVALID_TRAN_ID', async () => {
    const tranId = 'c'.repeat(32);
    const error = expectErrorDetail(
      await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET),
      400,
      'INVALID_TRAN_ID',
    );
    expect(error.tranId).toBe(tranId);
  });

  it('expired tranId → 400 INVALID_TRAN_ID', async () => {
    const expiry = Date.now() + 1000;
    const tranId = await createQr(post, 3200, { expiryDate: new Date(expiry).toISOString() });
    await waitFor('the QR code to expire', () => Date.now() > expiry + 20, 5000);
    const res = await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET);
    const error = expectErrorDetail(res, 400, 'INVALID_TRAN_ID');
    expect(error.tranId).toBe(tranId);
  });

  it('scan with no payment waiting (too early) → 400 UNABLE_TO_LOCATE_RECORD', async () => {
    const tranId = await createQr(post, 3300);
    const res = await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET);
    const error = expectErrorDetail(res, 400, 'UNABLE_TO_LOCATE_RECORD');
    expect(error.tranId).toBe(tranId);
    // Declined scans do not count as "the first scan": once the till pays, a new scan is accepted.
    const body = aPay(tranId, 3300);
    const answer = post('/qr/v1/payments', body, RETAILER);
    await store.untilPaymentState(body.id, 'WAITING_SCAN');
    expect((await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET)).status).toBe(202);
    expect((await answer).status).toBe(201);
  });

  it('scan after the payment gave up (too late, after NO_SCAN_RECEIVED) → 400 UNABLE_TO_LOCATE_RECORD', async () => {
    const { tranId, body, answer } = await waitingPayment(3400);
    expectErrorDetail(await answer, 400, 'NO_SCAN_RECEIVED');
    const res = await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET);
    expectErrorDetail(res, 400, 'UNABLE_TO_LOCATE_RECORD');
    expect((await store.payment(body.id))?.state).toBe('NO_SCAN');
    expect(upstreamPayments(tranId)).toHaveLength(0);
  });

  it('second scan for a tranId that already has one → 400 DUPLICATE_RECORD; the first scan wins', async () => {
    const { tranId, body, answer } = await waitingPayment(3500);
    const first = await post('/qr/v1/scans', aScanNotification(tranId, SANDBOX.id), SANDBOX);
    expect(first.status).toBe(202);
    const second = await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET);
    const error = expectErrorDetail(second, 400, 'DUPLICATE_RECORD');
    expect(error.tranId).toBe(tranId);

    const paid = await answer;
    expect(paid.status).toBe(201);
    expect(paid.body.partner.id).toBe(SANDBOX.id);
    expect((await store.payment(body.id))?.partnerId).toBe(SANDBOX.id);
    // The second partner was never asked to pay.
    expect(upstreamPayments(tranId)).toHaveLength(0);
  });

  /** 20 scans (both partners, alternating) for one waiting payment, all sent at once. */
  async function raceScans(amount: number) {
    const { tranId, body, answer } = await waitingPayment(amount);
    const scans = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? ([aScanNotification(tranId, WALLET.id), WALLET] as const)
        : ([aScanNotification(tranId, SANDBOX.id), SANDBOX] as const),
    );
    const results = await Promise.all(scans.map(([scan, auth]) => post('/qr/v1/scans', scan, auth)));
    const winners = results.map((r, i) => (r.status === 202 ? scans[i][0] : null)).filter((s) => s !== null);
    return { tranId, body, answer, results, winners };
  }

  it('20 scans for the same tranId in parallel → exactly one 202', async () => {
    const { tranId, body, answer, results, winners } = await raceScans(3600);
    expect(winners).toHaveLength(1);
    const winner = winners[0];
    for (const r of results.filter((x) => x.status !== 202)) expect(r.status).toBe(400);

    const paid = await answer;
    expect(paid.status).toBe(201);
    expect(paid.body.partner.id).toBe(winner.partner.id);
    // docs/protocol.md §10: every inbound message is kept with its outcome.
    const audited = await waitFor('all 20 scans in the audit trail', async () => {
      const rows = await store.audit({ direction: 'IN', operation: 'notifyScan', tranId });
      return rows.length === 20 ? rows : undefined;
    });
    expect(audited.filter((a) => a.httpStatus === 202).map((a) => a.messageId)).toEqual([winner.id]);
    const rows = await store.scansByTranId(tranId);
    expect(rows.filter((s) => s.status === 'ACCEPTED').map((s) => [s.id, s.paymentId])).toEqual([[winner.id, body.id]]);
    expect(upstreamPayments(tranId)).toHaveLength(winner.partner.id === WALLET.id ? 1 : 0);
  });

  it('20 scans for the same tranId in parallel → every scan but the first is a second scan: 400 DUPLICATE_RECORD', async () => {
    const { answer, results, winners } = await raceScans(3650);
    expect(winners).toHaveLength(1);
    expect((await answer).status).toBe(201);
    const losers = results.filter((x) => x.status !== 202);
    expect(losers.map((r) => `${r.status} ${r.body?.errorType}`)).toEqual(Array(19).fill('400 DUPLICATE_RECORD'));
  });

  it('the instance holding the payment stopped heartbeating → 400 UNABLE_TO_LOCATE_RECORD and the payment is closed (docs/protocol.md §10)', async () => {
    const { tranId, body, answer } = await waitingPayment(3650);
    // As if another instance, since silent, held this payment (its retailer's connection is gone with it).
    await hub.app
      .get(Database)
      .run((tx) => managerOf(tx).update(Payment, { id: body.id }, { instanceId: 'silent-instance' }));
    const scan = await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET);
    const error = expectErrorDetail(scan, 400, 'UNABLE_TO_LOCATE_RECORD');
    expect(error.tranId).toBe(tranId);
    expect((await store.payment(body.id))?.state).toBe('CLOSED');
    expectErrorDetail(await answer, 400, 'NO_SCAN_RECEIVED');
    expect(upstreamPayments(tranId)).toHaveLength(0);
  });

  describe('on a hub where wallet-a has no connector, and early scans are kept (earlyScanGraceMs)', () => {
    const GRACE_MS = 600;
    let graceHub: TestApp;
    let graceStore: HubStore;
    let gpost: Post;

    beforeAll(async () => {
      // No walletBaseUrl: `wallet-a` stays an institution with role partner but no `partners` entry.
      graceHub = await createTestApp({ scanWaitMs: SCAN_WAIT_MS, partnerTimeoutMs: 1000, earlyScanGraceMs: GRACE_MS });
      graceStore = new HubStore(graceHub);
      gpost = poster(graceHub.baseUrl);
    });
    afterAll(() => graceHub?.close());

    function payOnGrace(body: PaymentRequestDto): Promise<Response> {
      const answer = gpost('/qr/v1/payments', body, RETAILER);
      answer.catch(() => undefined);
      return answer;
    }

    it('partner without a configured connector → 400 PARTNER_UNKNOWN', async () => {
      expect(graceHub.config.hub.partners.map((p) => p.id)).not.toContain(WALLET.id);
      const tranId = await createQr(gpost, 3700);
      const body = aPay(tranId, 3700);
      const answer = payOnGrace(body);
      await graceStore.untilPaymentState(body.id, 'WAITING_SCAN');
      const res = await gpost('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET);
      const error = expectErrorDetail(res, 400, 'PARTNER_UNKNOWN');
      expect(error.tranId).toBe(tranId);
      // The payment still waits: a configured partner's scan releases it.
      expect((await graceStore.payment(body.id))?.state).toBe('WAITING_SCAN');
      expect((await gpost('/qr/v1/scans', aScanNotification(tranId, SANDBOX.id), SANDBOX)).status).toBe(202);
      expect((await answer).status).toBe(201);
    });

    it('early scan is kept (202) and a payment arriving within the window is matched at once', async () => {
      const tranId = await createQr(gpost, 3800);
      const scan = aScanNotification(tranId, SANDBOX.id);
      const early = await gpost('/qr/v1/scans', scan, SANDBOX);
      expect(early.status).toBe(202);
      expect(early.text).toBe('');

      const body = aPay(tranId, 3800);
      const started = Date.now();
      const res = await payOnGrace(body);
      expect(res.status).toBe(201);
      expect(Date.now() - started).toBeLessThan(SCAN_WAIT_MS / 2);
      expect(res.body.partner.id).toBe(SANDBOX.id);
      const [row] = await graceStore.scansByTranId(tranId);
      expect(row).toMatchObject({ id: scan.id, status: 'ACCEPTED', paymentId: body.id });
    });

    it('a scan and a pay sent at the same moment are matched, whichever the hub takes first (30 pairs at once)', async () => {
      // On PostgreSQL the scan's and the pay's transactions run side by side: each must see the
      // other's row, or the scan is kept as early while the pay waits for a scan that never comes.
      const pairs = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const tranId = await createQr(gpost, 4000 + i);
          const [pay, scan] = await Promise.all([
            payOnGrace(aPay(tranId, 4000 + i)),
            gpost('/qr/v1/scans', aScanNotification(tranId, SANDBOX.id), SANDBOX),
          ]);
          return `${scan.status} ${pay.status} ${pay.body?.errorType ?? ''}`.trim();
        }),
      );
      expect(pairs).toEqual(Array(30).fill('202 201'));
    });

    it('a late scan (the payment already ended without one) → 400 UNABLE_TO_LOCATE_RECORD, not kept as early', async () => {
      const tranId = await createQr(gpost, 3950);
      const body = aPay(tranId, 3950);
      expectErrorDetail(await payOnGrace(body), 400, 'NO_SCAN_RECEIVED');
      const late = await gpost('/qr/v1/scans', aScanNotification(tranId, SANDBOX.id), SANDBOX);
      const error = expectErrorDetail(late, 400, 'UNABLE_TO_LOCATE_RECORD');
      expect(error.tranId).toBe(tranId);
      expect((await graceStore.scansByTranId(tranId)).map((s) => s.status)).toEqual(['DECLINED']);
    });

    it('early scan not matched within the window does not block the code: a later scan for the payment is accepted', async () => {
      const tranId = await createQr(gpost, 3900);
      const scannedAt = Date.now();
      expect((await gpost('/qr/v1/scans', aScanNotification(tranId, SANDBOX.id), SANDBOX)).status).toBe(202);
      await waitFor('the grace window to pass', () => Date.now() > scannedAt + GRACE_MS + 50, 5000);

      const body = aPay(tranId, 3900);
      const answer = payOnGrace(body);
      await graceStore.untilPaymentState(body.id, 'WAITING_SCAN');
      // The stale early scan did not release it.
      expect(await settledWithin(answer, 50)).toBe('pending');
      const rescan = await gpost('/qr/v1/scans', aScanNotification(tranId, SANDBOX.id), SANDBOX);
      expect({ status: rescan.status, errorType: rescan.body?.errorType }).toEqual({
        status: 202,
        errorType: undefined,
      });
      expect((await answer).status).toBe(201);
    });
  });
});
