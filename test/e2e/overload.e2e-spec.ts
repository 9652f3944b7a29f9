import { expectErrorDetail } from '../factories/error-detail.matcher';
import { RETAILER, SANDBOX } from '../factories/hub-config.factory';
import { aCreateQrCodeRequest, aScanNotification } from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createQr, poster, Post, startPay, waitFor } from '../utils/flows';
import { HubStore } from '../utils/lifecycle-db';

const BUSY = 'Hub busy: nothing done, try again';

/**
 * Overload is refused, not queued (src/partners/admission.ts; docs/decisions.md,
 * "Overload is refused, not queued"): new work the hub cannot take now gets
 * `503 GENERAL_ERROR` at once — a definite failure the caller can repeat —
 * and nothing of it is stored or sent to a partner. A late event loop is
 * answered before authentication and the audit trail (`refuseWhenBusy`); a
 * partner's calls at their limit where the partner is known (the scan).
 */
describe('overload: new work refused at once, nothing stored or sent', () => {
  describe('a partner with as many pay calls in flight as allowed (partnerCallsInFlight 1)', () => {
    let hub: TestApp;
    let store: HubStore;
    let post: Post;

    beforeAll(async () => {
      hub = await createTestApp({ partnerCallsInFlight: 1, partnerTimeoutMs: 2_000 });
      store = new HubStore(hub);
      post = poster(hub.baseUrl);
    });
    afterAll(async () => {
      await hub?.close();
    });

    it('a scan that would need one more call is refused; once the call ends, the same payment is scanned and paid', async () => {
      // Payment A goes to the sandbox, which never answers it (cents 91): one call in flight for 2 s.
      const first = startPay(post, await createQr(post, 1091), 1091);
      await store.untilPaymentState(first.id, 'WAITING_SCAN');
      const firstTranId = (await store.payment(first.id))!.tranId;
      expect((await post('/qr/v1/scans', aScanNotification(firstTranId, SANDBOX.id), SANDBOX)).status).toBe(202);
      await store.untilPaymentState(first.id, 'SENDING');

      // Payment B waits for its scan; its scan would be a second call to the same partner.
      const tranId = await createQr(post, 1000);
      const second = startPay(post, tranId, 1000);
      await store.untilPaymentState(second.id, 'WAITING_SCAN');
      const refusedScan = aScanNotification(tranId, SANDBOX.id);
      const refused = await post('/qr/v1/scans', refusedScan, SANDBOX);
      expectErrorDetail(refused, 503, 'GENERAL_ERROR');
      expect(refused.body.errorMessage).toBe(BUSY);
      // Nothing of it stored, nothing sent: the payment still waits, no scan row, no call upstream.
      expect(await store.scansByTranId(tranId)).toEqual([]);
      expect(await store.payment(second.id)).toMatchObject({ state: 'WAITING_SCAN', upstreamId: null });
      expect(await store.audit({ direction: 'OUT', tranId })).toEqual([]);

      // The first call times out (a timeout reversal the partner caused, not the hub's queueing)...
      await store.untilPaymentState(first.id, 'UNKNOWN');
      expect((await store.payment(first.id))?.unknownReason).toBe('PARTNER_TIMEOUT');
      // ...and the partner's next scan of B is taken and paid.
      const again = await post('/qr/v1/scans', aScanNotification(tranId, SANDBOX.id), SANDBOX);
      expect(again.status).toBe(202);
      expect((await second.answer).status).toBe(201);
      expect((await store.payment(second.id))?.state).toBe('APPROVED');
    });
  });

  describe('an event loop running late (maxEventLoopDelayMs 20)', () => {
    let hub: TestApp;
    let store: HubStore;
    let post: Post;

    beforeAll(async () => {
      hub = await createTestApp({ maxEventLoopDelayMs: 20 });
      store = new HubStore(hub);
      post = poster(hub.baseUrl);
    });
    afterAll(async () => {
      await hub?.close();
    });

    /** Keeps the event loop busy 60 ms at a time, as a hub with more work than it can do is. */
    function saturate(): () => void {
      const timer = setInterval(() => {
        const until = Date.now() + 60;
        while (Date.now() < until);
      }, 1);
      return () => clearInterval(timer);
    }

    it('createQrCode, pay and a scan are refused while it is late, stored not at all; and taken again once it keeps time', async () => {
      const tranId = await createQr(post, 1000);
      const stop = saturate();
      let qrBody: ReturnType<typeof aCreateQrCodeRequest>;
      try {
        await new Promise((r) => setTimeout(r, 1_200));
        qrBody = aCreateQrCodeRequest();
        const qr = await post('/qr/v1/qrCodes', qrBody, RETAILER);
        expectErrorDetail(qr, 503, 'GENERAL_ERROR');
        expect(qr.body).toMatchObject({ id: qrBody.id, errorMessage: BUSY });
        const pay = startPay(post, tranId, 1000);
        expectErrorDetail(await pay.answer, 503, 'GENERAL_ERROR');
        const scan = await post('/qr/v1/scans', aScanNotification(tranId, SANDBOX.id), SANDBOX);
        expectErrorDetail(scan, 503, 'GENERAL_ERROR');
        expect(await store.payment(pay.id)).toBeNull();
        expect(await store.scansByTranId(tranId)).toEqual([]);
      } finally {
        stop();
      }
      // Refused before authentication and the audit trail: not even the message was stored.
      expect(await store.audit({ messageId: qrBody.id })).toEqual([]);
      // Once the loop keeps time again, the next half-second window admits new work.
      const taken = await waitFor('new work to be taken again', async () => {
        const res = await post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER);
        return res.status === 201 ? res : undefined;
      });
      expect(taken.body.tranId).toEqual(expect.any(String));
    });
  });
});
