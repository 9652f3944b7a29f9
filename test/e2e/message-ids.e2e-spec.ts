import { randomBytes } from 'node:crypto';
import { expectErrorDetail } from '../factories/error-detail.matcher';
import { RETAILER, WALLET } from '../factories/hub-config.factory';
import {
  aCreateQrCodeRequest,
  aPaymentConfirmation,
  aPaymentRequest,
  aScanNotification,
} from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createQr, Post, poster, scanWhenWaiting, waitFor } from '../utils/flows';
import { getAs } from '../utils/operator-flows';
import { partnerCalls, PartnerServer, startPartnerServer } from '../utils/partner-server';

/**
 * Message ids (docs/decisions.md): any 8-4-4-4-12 hex id is accepted, in
 * either case, whatever its version and variant digits, because Electrum's
 * own published examples and test packs make such ids; ids compare
 * case-insensitively, and answers echo them as they were sent.
 */

/** An id as Electrum's test-pack generators make it: 32 random hex digits in the UUID shape, no RFC 4122 bits. */
function electrumStyleId(): string {
  const hex = randomBytes(16).toString('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}

/** An id whose version digit (0) and variant digit (c) are not RFC 4122's. */
function notRfc4122(): string {
  const id = electrumStyleId().split('');
  id[14] = '0';
  id[19] = 'c';
  return id.join('');
}

const ELECTRUM_EXAMPLE_ID = '59a28993-78ad-1bd9-5eb6-477b1815049d';
const zar = (amount: number) => ({ amount, currency: '710' });

describe('message ids: the UUID shape in either case, compared case-insensitively', () => {
  let partner: PartnerServer;
  let hub: TestApp;
  let post: Post;

  beforeAll(async () => {
    partner = await startPartnerServer();
    hub = await createTestApp({
      walletBaseUrl: partner.baseUrl,
      walletCaFile: partner.caFile,
      scanWaitMs: 5000,
      initialDelayMs: 50,
      maxDelayMs: 200,
    });
    post = poster(hub.baseUrl);
  });
  afterAll(async () => {
    await hub?.close();
    await partner?.close();
  });

  it("accepts the id of Electrum's published example, which is not RFC 4122", async () => {
    const res = await post('/qr/v1/qrCodes', aCreateQrCodeRequest({ id: ELECTRUM_EXAMPLE_ID }), RETAILER);
    expect(res.status).toBe(201);
    expect(res.body.id).toBe(ELECTRUM_EXAMPLE_ID);
  });

  it('accepts ids with any version and variant digits, in either case', async () => {
    const ids = [notRfc4122(), notRfc4122().toUpperCase(), ...Array.from({ length: 8 }, electrumStyleId)];
    for (const id of ids) {
      const res = await post('/qr/v1/qrCodes', aCreateQrCodeRequest({ id }), RETAILER);
      expect({ id, status: res.status }).toEqual({ id, status: 201 });
    }
  });

  it('still refuses what is not 8-4-4-4-12 hex digits', async () => {
    for (const id of [
      '59a28993-78ad-1bd9-5eb6-477b1815049',
      '59a28993x78ad-1bd9-5eb6-477b1815049d',
      'g9a28993-78ad-1bd9-5eb6-477b1815049d',
      '59a2899378ad1bd95eb6477b1815049d',
    ]) {
      const res = await post('/qr/v1/qrCodes', aCreateQrCodeRequest({ id }), RETAILER);
      expectErrorDetail(res, 400, 'FORMAT_ERROR');
      expect(JSON.stringify(res.body.detailMessage)).toContain('id must be a UUID');
    }
  });

  it('a createQrCode repeated with its id in another case is the same message: DUPLICATE_RECORD', async () => {
    const id = notRfc4122().toUpperCase();
    const first = await post('/qr/v1/qrCodes', aCreateQrCodeRequest({ id }), RETAILER);
    expect(first.status).toBe(201);
    expect(first.body.id).toBe(id); // echoed as sent
    const again = await post('/qr/v1/qrCodes', aCreateQrCodeRequest({ id: id.toLowerCase() }), RETAILER);
    expectErrorDetail(again, 400, 'DUPLICATE_RECORD');
  });

  it('a payment with an upper-case id is confirmed by a requestId in lower case, and a repeat in another case is the same advice', async () => {
    const tranId = await createQr(post, 1000);
    const payId = notRfc4122().toUpperCase();
    const pay = post(
      '/qr/v1/payments',
      aPaymentRequest(tranId, { id: payId, amounts: { requestAmount: zar(1000) } }),
      RETAILER,
    );
    pay.catch(() => undefined);
    expect((await scanWhenWaiting(post, tranId)).status).toBe(202);
    const paid = await pay;
    expect(paid.status).toBe(201);
    expect(paid.body.id).toBe(payId); // echoed as sent

    // The same id in lower case is the same payment: a second pay is a duplicate.
    const twice = await post('/qr/v1/payments', aPaymentRequest(tranId, { id: payId.toLowerCase() }), RETAILER);
    expectErrorDetail(twice, 400, 'DUPLICATE_RECORD');

    const confirmationId = electrumStyleId().toUpperCase();
    const confirmation = aPaymentConfirmation(payId.toLowerCase(), { id: confirmationId });
    const first = await post('/qr/v1/payments/confirmations', confirmation, RETAILER);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ id: confirmationId, requestId: payId.toLowerCase() });
    const repeat = await post(
      '/qr/v1/payments/confirmations',
      { ...confirmation, id: confirmationId.toLowerCase(), requestId: payId },
      RETAILER,
    );
    expect(repeat.status).toBe(202);
    expect(repeat.body).toMatchObject({ id: confirmationId.toLowerCase(), requestId: payId });

    const upstream = partnerCalls(partner, '/payments').find((m) => m.tranId === tranId);
    await waitFor('the confirmation upstream', () =>
      partnerCalls(partner, '/payments/confirmations').find((m) => m.requestId === upstream?.id),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(partnerCalls(partner, '/payments/confirmations').filter((m) => m.requestId === upstream?.id)).toHaveLength(
      1,
    );

    // An operator pasting the id in another case finds the transaction.
    const found = await getAs(hub, `/admin/v1/transactions?q=${payId.toUpperCase()}`);
    expect(found.status).toBe(200);
    expect(found.body.tranId).toBe(tranId);
  });

  it('a scan repeated with its id in another case is the same message: DUPLICATE_RECORD', async () => {
    const tranId = await createQr(post, 1000);
    const payment = post(
      '/qr/v1/payments',
      aPaymentRequest(tranId, { amounts: { requestAmount: zar(1000) } }),
      RETAILER,
    );
    payment.catch(() => undefined);
    const scanId = notRfc4122().toUpperCase();
    const scan = aScanNotification(tranId, WALLET.id, { id: scanId });
    const first = await waitFor('the scan to be taken', async () => {
      const res = await post('/qr/v1/scans', scan, WALLET);
      return res.status === 202 ? res : undefined;
    });
    expect(first.status).toBe(202);
    const again = await post('/qr/v1/scans', { ...scan, id: scanId.toLowerCase() }, WALLET);
    expectErrorDetail(again, 400, 'DUPLICATE_RECORD');
    expect((await payment).status).toBe(201);
  });
});
