import {
  aCreateQrCodeRequest,
  aPaymentConfirmation,
  aPaymentRequest,
  aScanNotification,
} from '../factories/messages.factory';
import { RETAILER, SANDBOX } from '../factories/hub-config.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';

describe('a whole payment against the sandbox partner', () => {
  let hub: TestApp;

  beforeAll(async () => {
    hub = await createTestApp();
  });
  afterAll(() => hub.close());

  it('creates a QR code, pays on scan, and confirms', async () => {
    const qr = await hub.post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER).expect(201);
    const tranId = qr.body.tranId as string;
    expect(tranId).toMatch(/^[0-9a-f]{32}$/);

    const payment = aPaymentRequest(tranId);
    const paying = hub.post('/qr/v1/payments', payment, RETAILER).then((r) => r);
    await new Promise((r) => setTimeout(r, 100));
    await hub.post('/qr/v1/scans', aScanNotification(tranId, SANDBOX.id), SANDBOX).expect(202);
    const paid = await paying;
    expect(paid.status).toBe(201);
    expect(paid.body.id).toBe(payment.id);
    expect(paid.body.partner.id).toBe('sandbox');

    const confirmation = aPaymentConfirmation(payment.id as string);
    const confirmed = await hub.post('/qr/v1/payments/confirmations', confirmation, RETAILER).expect(202);
    expect(confirmed.body.id).toBe(confirmation.id);
  });
});
