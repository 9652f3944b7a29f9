import { expectErrorDetail } from '../factories/error-detail.matcher';
import { SANDBOX, VIEWER, WALLET } from '../factories/hub-config.factory';
import type { LateAnswerPage } from '@app/admin/reconciliation/reconciliation.service';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createQr, payWithScan, poster, Post, waitFor } from '../utils/flows';
import { HubStore } from '../utils/lifecycle-db';
import { getAs } from '../utils/operator-flows';
import { PartnerServer, startPartnerServer } from '../utils/partner-server';
import { parseMetrics, valueOf } from '../utils/prometheus';

/**
 * docs/console/reconciliation.md — late partner answers (docs/protocol.md §5.5) that
 * disagree with what the retailer was told, as `GET /admin/v1/reconciliation`
 * and `/console/reconciliation`. Late answers come from the partners
 * themselves: the in-process sandbox approves cents 92 after 300 ms, the real
 * HTTPS partner server (wallet-a) approves cents 92 after LATE_MS, and in
 * "slow" mode answers anything (here a decline, cents 51) after a delay; the
 * hub gives up on both after PARTNER_TIMEOUT_MS.
 */

const PARTNER_TIMEOUT_MS = 250;
const LATE_MS = 1000;

describe('late-answer reconciliation (docs/console/reconciliation.md)', () => {
  let partner: PartnerServer;
  let hub: TestApp;
  let store: HubStore;
  let post: Post;
  const list = async (query = ''): Promise<LateAnswerPage> =>
    (await getAs(hub, `/admin/v1/reconciliation${query}`).expect(200)).body as LateAnswerPage;

  /** Pays `amount` through `who`, expects the retailer's 503, and waits for the late answer to be recorded. */
  async function lateAnswer(amount: number, who = SANDBOX): Promise<{ id: string; tranId: string }> {
    const tranId = await createQr(post, amount);
    const paid = await payWithScan(post, tranId, amount, who);
    expectErrorDetail(paid.answer, 503, 'UPSTREAM_UNAVAILABLE');
    await waitFor(
      `the late answer to ${amount}`,
      async () => (await store.payment(paid.id))?.lateResponse ?? undefined,
    );
    return { id: paid.id, tranId };
  }

  const reversalDelivered = (paymentId: string) =>
    waitFor('the timeout reversal to be delivered', async () => {
      const [entry] = await store.outbox(paymentId, 'REVERSAL');
      return entry?.status === 'DELIVERED' ? entry : undefined;
    });

  let sandboxLate: { id: string; tranId: string };
  let walletLate: { id: string; tranId: string };
  let agreeing: { id: string; tranId: string };

  beforeAll(async () => {
    partner = await startPartnerServer({ lateMs: LATE_MS, hangMs: 5000 });
    hub = await createTestApp({
      walletBaseUrl: partner.baseUrl,
      walletCaFile: partner.caFile,
      partnerTimeoutMs: PARTNER_TIMEOUT_MS,
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

  it('is empty, and so is the gauge, before any late answer', async () => {
    expect(await list()).toEqual({ count: 0, items: [], next: null });
    const samples = parseMetrics((await hub.raw().get('/metrics').expect(200)).text);
    expect(valueOf(samples, 'qrhub_late_answers_disagreeing')).toBe(0);
    const page = await getAs(hub, '/console/reconciliation').expect(200);
    expect(page.text).toContain('No late answer disagrees with what the retailer was told.');
  });

  it('lists a late approval of a payment the hub reversed on timeout, in words', async () => {
    sandboxLate = await lateAnswer(1092);
    await reversalDelivered(sandboxLate.id);
    const { count, items } = await list();
    expect(count).toBe(1);
    expect(items).toHaveLength(1);
    const row = items[0];
    expect(row).toMatchObject({
      paymentId: sandboxLate.id,
      tranId: sandboxLate.tranId,
      partnerId: 'sandbox',
      amount: { code: 'ZAR', value: '10.92', text: 'ZAR 10.92' },
      state: 'UNKNOWN',
      retailerWasTold: { text: 'Reversed — partner timed out · delivered', tone: 'ended' },
      partnerSaid: { outcome: 'approved', approvedAmount: { text: 'ZAR 10.92' }, errorType: null },
      reversal: 'DELIVERED',
      hubAction: 'Timeout reversal delivered to the partner',
    });
    expect(row.partnerSaid.text).toMatch(/^Approved ZAR 10\.92 \(HTTP 20\d\)$/);
    expect(row.guidance).toContain('check with the partner');
    const payment = await store.payment(sandboxLate.id);
    expect(row.receivedAt).toBe(Date.parse(String(payment?.lateResponse?.receivedAt)));
  });

  it('does not list a late decline of a payment the retailer was told had failed (they agree)', async () => {
    partner.setMode('slow', LATE_MS);
    try {
      agreeing = await lateAnswer(3051, WALLET);
    } finally {
      partner.setMode('normal');
    }
    const recorded = await store.payment(agreeing.id);
    expect(recorded?.state).toBe('UNKNOWN');
    expect(recorded?.lateResponse).toMatchObject({ status: 400 });
    const { count, items } = await list();
    expect(count).toBe(1);
    expect(items.map((i) => i.paymentId)).toEqual([sandboxLate.id]);
  });

  it('lists the newest first, pages by `after`, and counts them as the gauge does', async () => {
    walletLate = await lateAnswer(2092, WALLET);
    const all = await list();
    expect(all.count).toBe(2);
    expect(all.items.map((i) => i.paymentId)).toEqual([walletLate.id, sandboxLate.id]);
    expect(all.next).toBeNull();

    const first = await list('?limit=1');
    expect(first.items.map((i) => i.paymentId)).toEqual([walletLate.id]);
    expect(first.next).toEqual(expect.any(String));
    const second = await list(`?limit=1&after=${first.next}`);
    expect(second.items.map((i) => i.paymentId)).toEqual([sandboxLate.id]);
    expect(second.next).toBeNull();

    const samples = parseMetrics((await hub.raw().get('/metrics').expect(200)).text);
    expect(valueOf(samples, 'qrhub_late_answers_disagreeing')).toBe(all.count);
    const dashboard = await getAs(hub, '/admin/v1/dashboard').expect(200);
    expect(dashboard.body.lateAnswersDisagreeing).toBe(all.count);
  });

  it('refuses a bad limit or cursor with a 400 FORMAT_ERROR', async () => {
    for (const query of ['?limit=0', '?limit=201', '?limit=ten', '?after=not-a-cursor', '?after=a&after=b']) {
      expectErrorDetail(await getAs(hub, `/admin/v1/reconciliation${query}`), 400, 'FORMAT_ERROR');
    }
    expectErrorDetail(await getAs(hub, '/console/reconciliation?limit=0'), 400, 'FORMAT_ERROR');
  });

  it('shows each row on the page, linked to its timeline, for a viewer too', async () => {
    const page = await getAs(hub, '/console/reconciliation', VIEWER).expect(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.text).toContain('<span id="late-count">2</span>');
    expect(page.text).toContain(`href="/console/transactions/${walletLate.tranId}"`);
    expect(page.text).toContain(`data-payment-id="${sandboxLate.id}"`);
    expect(page.text).not.toContain(`data-payment-id="${agreeing.id}"`);
    expect(page.text).toContain('Reversed — partner timed out · delivered');
    expect(page.text).toContain('Timeout reversal delivered to the partner');
  });
});
