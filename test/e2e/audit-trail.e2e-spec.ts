import { createHash, randomUUID } from 'node:crypto';
import type { TransactionView } from '@app/admin/admin-views';
import type { TimelineEvent } from '@app/admin/timeline';
import { OTHER_RETAILER, RETAILER, SANDBOX } from '../factories/hub-config.factory';
import { aCreateQrCodeRequest, aPaymentConfirmation, aScanNotification } from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createQr, payment, poster, Post, startPay } from '../utils/flows';
import { HubStore } from '../utils/lifecycle-db';
import { deliveredSale, getAs, Sale } from '../utils/operator-flows';

/**
 * What the audit trail keeps, and what joins a transaction's timeline:
 * nothing from a caller that did not authenticate; rows of at most 16 KiB of
 * JSON per body (a digest beyond); a row joins a timeline only through a
 * transaction the hub found and the caller owns; the business events of a
 * transaction are shown whatever else was logged for it.
 */
describe('audit trail and timeline', () => {
  let hub: TestApp;
  let store: HubStore;
  let post: Post;
  let sale: Sale;

  beforeAll(async () => {
    hub = await createTestApp({ initialDelayMs: 50, maxDelayMs: 200 });
    store = new HubStore(hub);
    post = poster(hub.baseUrl);
    sale = await deliveredSale(hub);
  });
  afterAll(async () => {
    await hub?.close();
  });

  const events = async (q: string): Promise<TimelineEvent[]> =>
    ((await getAs(hub, `/admin/v1/transactions?q=${encodeURIComponent(q)}`).expect(200)).body as TransactionView)
      .events;
  const auditCount = async (): Promise<number> => (await store.audit({})).length;

  it('an unauthenticated POST to an unknown /qr/v1/* path naming a real tranId stores nothing', async () => {
    const before = await events(sale.tranId);
    const rows = await auditCount();

    const body = { id: randomUUID(), tranId: sale.tranId, requestId: sale.paymentId, note: 'x'.repeat(4000) };
    const res = await hub.raw().post('/qr/v1/x').set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(404);

    expect(await auditCount()).toBe(rows);
    expect(await events(sale.tranId)).toEqual(before);
  });

  it("another retailer's refused message naming the tranId does not join that timeline", async () => {
    const before = await events(sale.tranId);
    const advice = aPaymentConfirmation(sale.paymentId, {
      client: { id: OTHER_RETAILER.id, name: 'Other Retailer' },
      tranId: sale.tranId,
    });
    const res = await post('/qr/v1/payments/confirmations', advice, OTHER_RETAILER);
    expect(res.status).toBe(404);

    // Recorded (the caller authenticated), but linked to no transaction.
    const [row] = await store.audit({ messageId: advice.id });
    expect(row).toMatchObject({ institutionId: OTHER_RETAILER.id, httpStatus: 404, tranId: null });
    expect(await events(sale.tranId)).toEqual(before);
  });

  it('600 refused messages for a transaction do not hide its business events', async () => {
    const tranId = await createQr(post, 1000);
    // The owner's own refused pays (amount below the code's value) are linked to the code…
    for (let batch = 0; batch < 24; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 25 }, () => post('/qr/v1/payments', payment(tranId, 999), RETAILER)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(25).fill(400));
    }
    // …and then the sale itself goes through.
    const pay = startPay(post, tranId, 1000);
    await store.untilPaymentState(pay.id, 'WAITING_SCAN');
    expect((await post('/qr/v1/scans', aScanNotification(tranId, SANDBOX.id), SANDBOX)).status).toBe(202);
    expect((await pay.answer).status).toBe(201);

    const titles = (await events(tranId)).map((e) => e.title);
    expect(titles).toEqual(
      expect.arrayContaining(['Payment received', 'Scan accepted', 'Sent to partner', 'Partner approved']),
    );
    expect(titles.filter((t) => t === 'Answered retailer').length).toBeGreaterThanOrEqual(1);
    expect(titles.filter((t) => t === 'Sent to partner')).toHaveLength(1);
  }, 180_000);

  it('an audited body over 16 KiB is stored as a digest', async () => {
    // An unknown property is ignored by validation; accepted or refused, the exchange is audited.
    const request = { ...aCreateQrCodeRequest(), padding: 'p'.repeat(40 * 1024) };
    const res = await post('/qr/v1/qrCodes', request, RETAILER);
    expect([201, 400]).toContain(res.status);

    const [row] = await store.audit({ messageId: request.id });
    const json = JSON.stringify(request);
    expect(row.requestBody).toMatchObject({
      truncated: {
        sha256: createHash('sha256').update(json).digest('hex'),
        bytes: Buffer.byteLength(json),
        prefix: json.slice(0, 512),
      },
      // Its short top-level fields are kept, to say what it was.
      id: request.id,
    });
    expect(row.requestBody).not.toHaveProperty('padding');
    expect(JSON.stringify(row.requestBody).length).toBeLessThan(2048);
  });
});
