import { RETAILER, WALLET } from '../factories/hub-config.factory';
import { aPaymentConfirmation } from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createQr, payWithScan, poster, Post, waitFor } from '../utils/flows';
import { HubStore } from '../utils/lifecycle-db';
import { PartnerServer, startPartnerServer } from '../utils/partner-server';

const ADVICES = 6;

/**
 * Store-and-forward to a partner that is down (docs/decisions.md, "A partner
 * that is down costs one probe"): after a few deliveries it does not answer at
 * all, its advices are held in the queue, untouched, and one probe at a time
 * goes to it; its first answer sends the rest at once. Against a real HTTPS
 * partner that drops every connection while `down`.
 */
describe('a partner that is down costs one probe at a time, not a connection per advice', () => {
  let partner: PartnerServer;
  let hub: TestApp;
  let store: HubStore;
  let post: Post;

  beforeAll(async () => {
    partner = await startPartnerServer();
    hub = await createTestApp({
      walletBaseUrl: partner.baseUrl,
      walletCaFile: partner.caFile,
      partnerTimeoutMs: 2_000,
      initialDelayMs: 200,
      maxDelayMs: 400,
    });
    store = new HubStore(hub);
    post = poster(hub.baseUrl);
  });
  afterAll(async () => {
    await hub?.close();
    await partner?.close();
  });

  it('holds the advices while it is down and delivers every one once it answers again', async () => {
    const paymentIds: string[] = [];
    for (let i = 0; i < ADVICES; i++) {
      const paid = await payWithScan(post, await createQr(post, 1000), 1000, WALLET);
      expect(paid.answer.status).toBe(201);
      paymentIds.push(paid.id);
    }
    partner.setMode('down');
    for (const id of paymentIds) {
      expect((await post('/qr/v1/payments/confirmations', aPaymentConfirmation(id), RETAILER)).status).toBe(202);
    }
    const entries = async () => (await Promise.all(paymentIds.map((id) => store.outbox(id, 'CONFIRMATION')))).flat();

    // The first deliveries find the partner down; from then on only probes go, one at a time.
    await waitFor('every advice tried once', async () => (await entries()).every((e) => e.attempts >= 1));
    await new Promise((r) => setTimeout(r, 2_500));
    const held = await entries();
    expect(held.every((e) => e.status === 'PENDING')).toBe(true);
    const attempts = held.reduce((n, e) => n + e.attempts, 0);
    // Retried on their own, six advices every 200–400 ms would be 40 attempts and more by now;
    // held, they are each tried once or twice (a probe takes the advice due longest).
    expect(attempts).toBeLessThanOrEqual(ADVICES + 12);
    expect(Math.max(...held.map((e) => e.attempts))).toBeLessThanOrEqual(4);

    // Back: the next probe is answered and the held advices go at once.
    partner.setMode('normal');
    for (const id of paymentIds) await store.untilOutbox(id, 'CONFIRMATION', 'DELIVERED');
    expect(partner.received.filter((m) => m.path === '/payments/confirmations')).toHaveLength(ADVICES);
  });
});
