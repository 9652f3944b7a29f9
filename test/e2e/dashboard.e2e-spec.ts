import { expectErrorDetail } from '../factories/error-detail.matcher';
import { OPERATOR, RETAILER, SANDBOX, VIEWER } from '../factories/hub-config.factory';
import type { DashboardView } from '@app/admin/dashboard/dashboard.service';
import { quantile } from '@app/lifecycle/payment-stats.repository';
import { Payment } from '@app/lifecycle/payment.entity';
import { Database, managerOf } from '@app/persistence/database';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createQr, payWithScan, poster, Post, waitFor } from '../utils/flows';
import { getAs, parkedSale } from '../utils/operator-flows';
import { parseMetrics, Sample, valueOf } from '../utils/prometheus';

/**
 * docs/console/dashboard.md — `GET /admin/v1/dashboard` and `/console/dashboard`:
 * figures over the last hour or day, read from the database, for payments
 * driven through the real hub and the in-process sandbox partner (outcomes by
 * the cents of the amount: 00 approved, 51/57 declined, 96 a 500, 91 no answer).
 */

/** The sandbox payments this file makes: amount → the retailer's status. */
const PAYMENTS: Array<[number, number]> = [
  [10000, 201],
  [10001, 201],
  [10051, 400], // INSUFFICIENT_FUNDS
  [10151, 400], // INSUFFICIENT_FUNDS
  [10057, 400], // DECLINED_BY_PARTNER
  [10096, 503], // partner 500: PARTNER_ERROR
  [10091, 503], // no answer within partnerTimeoutMs: PARTNER_TIMEOUT
];

describe('dashboard (docs/console/dashboard.md)', () => {
  let hub: TestApp;
  let post: Post;
  const dashboard = async (query = ''): Promise<DashboardView> =>
    (await getAs(hub, `/admin/v1/dashboard${query}`).expect(200)).body as DashboardView;
  const scrape = async (): Promise<Sample[]> => parseMetrics((await hub.raw().get('/metrics').expect(200)).text);
  const sandboxOf = (v: DashboardView) => v.partners.find((p) => p.partnerId === 'sandbox');

  beforeAll(async () => {
    hub = await createTestApp({ partnerTimeoutMs: 500, initialDelayMs: 50, maxDelayMs: 200 });
    post = poster(hub.baseUrl);
  });
  afterAll(() => hub.close());

  it('an empty window has no payment figures, and the page says so instead of drawing empty axes', async () => {
    const view = await dashboard();
    expect(view.window).toBe('hour');
    expect(view.to - view.from).toBe(3_600_000);
    expect(view.answered).toEqual({ total: 0, approved: 0, declined: 0, unknown: 0, approvalRate: null });
    expect(view.partners).toEqual([]);
    expect(view.latency).toEqual([]);
    expect(view.outbox).toEqual([{ partnerId: 'sandbox', pending: 0, parked: 0, oldestPendingSeconds: 0 }]);
    expect(view.lateAnswersDisagreeing).toBe(0);

    const page = await getAs(hub, '/console/dashboard').expect(200);
    expect(page.text).toContain('No payments in the last hour');
    expect(page.text).not.toContain('id="chart-volume"');
    const day = await getAs(hub, '/console/dashboard?window=day').expect(200);
    expect(day.text).toContain('No payments in the last 24 hours');
  });

  it('a window other than hour or day is a 400 FORMAT_ERROR, for the API and the page', async () => {
    for (const path of [
      '/admin/v1/dashboard?window=week',
      '/admin/v1/dashboard?window=',
      '/console/dashboard?window=HOUR',
    ]) {
      const res = await getAs(hub, path);
      if (path.endsWith('window='))
        expect(res.status).toBe(200); // empty: the default window
      else expectErrorDetail(res, 400, 'FORMAT_ERROR');
    }
    const twice = await getAs(hub, '/admin/v1/dashboard?window=hour&window=day');
    expectErrorDetail(twice, 400, 'FORMAT_ERROR');
  });

  it('a viewer may read it; a retailer may not', async () => {
    await getAs(hub, '/admin/v1/dashboard', VIEWER).expect(200);
    await getAs(hub, '/console/dashboard', VIEWER).expect(200);
    const refused = await getAs(hub, '/admin/v1/dashboard', RETAILER);
    expect([401, 403]).toContain(refused.status);
  });

  describe('with known payments', () => {
    let parkedId: string;

    beforeAll(async () => {
      for (const [amount, status] of PAYMENTS) {
        const paid = await payWithScan(post, await createQr(post, amount), amount, SANDBOX);
        if (paid.answer.status !== status) throw new Error(`pay ${amount}: ${paid.answer.status} ${paid.answer.text}`);
      }
      // An approved sale whose confirmation the sandbox refuses (cents 98): one parked advice.
      parkedId = (await parkedSale(hub, 1098)).paymentId;
      // The two timeout reversals delivered: nothing pending, so the figures stand still.
      await waitFor('the timeout reversals to be delivered', async () => {
        const v = await dashboard();
        return v.outbox[0].pending === 0 ? v : undefined;
      });
    });

    it('counts payments per partner by outcome, with the approval rate (approved / answered)', async () => {
      const view = await dashboard();
      expect(view.answered).toEqual({ total: 8, approved: 3, declined: 3, unknown: 2, approvalRate: 0.375 });
      expect(view.partners).toEqual([
        { partnerId: 'sandbox', approved: 3, declined: 3, unknown: 2, total: 8, approvalRate: 0.375 },
      ]);
    });

    it('counts declines by the errorType the partner gave, and unknown outcomes by reason', async () => {
      const view = await dashboard();
      expect(view.declinesByErrorType).toEqual([
        { errorType: 'INSUFFICIENT_FUNDS', count: 2 },
        { errorType: 'DECLINED_BY_PARTNER', count: 1 },
      ]);
      expect(view.unknownByReason).toEqual([
        { reason: 'PARTNER_ERROR', count: 1 },
        { reason: 'PARTNER_TIMEOUT', count: 1 },
      ]);
    });

    it("reports the partner's and the hub's own time as the nearest-rank p50 and p99 of the stored times", async () => {
      const view = await dashboard();
      const rows = await hub.app
        .get(Database)
        .run((tx) => managerOf(tx).findBy(Payment, { partnerId: 'sandbox' }))
        .then((all) => all.filter((p) => p.answeredAt !== null && p.partnerMs !== null));
      expect(rows).toHaveLength(8);
      const partnerMs = rows.map((p) => p.partnerMs ?? 0);
      const hubMs = rows.map((p) => (p.answeredAt ?? 0) - (p.scannedAt ?? 0) - (p.partnerMs ?? 0));
      expect(view.latency).toEqual([
        {
          partnerId: 'sandbox',
          partner: { count: 8, p50: quantile(partnerMs, 0.5), p99: quantile(partnerMs, 0.99) },
          hub: { count: 8, p50: quantile(hubMs, 0.5), p99: quantile(hubMs, 0.99) },
        },
      ]);
      // The timed-out call took the partner timeout: the slowest partner time.
      expect(view.latency[0].partner.p99).toBeGreaterThanOrEqual(500);
      expect(view.latency[0].hub.p50).toBeGreaterThanOrEqual(0);
    });

    it('matches the metrics: pay calls per outcome, the advice queue and the late answers', async () => {
      const [view, samples] = await Promise.all([dashboard(), scrape()]);
      const pay = { partner: 'sandbox', call: 'pay' };
      const sandbox = sandboxOf(view);
      expect(sandbox).toBeDefined();
      expect({
        approved: valueOf(samples, 'qrhub_partner_calls_total', { ...pay, outcome: 'successful' }),
        declined: valueOf(samples, 'qrhub_partner_calls_total', { ...pay, outcome: 'failed' }),
        unknown: valueOf(samples, 'qrhub_partner_calls_total', { ...pay, outcome: 'unknown' }),
      }).toEqual({ approved: sandbox?.approved, declined: sandbox?.declined, unknown: sandbox?.unknown });
      const queue = view.outbox.find((o) => o.partnerId === 'sandbox');
      expect(queue).toMatchObject({ pending: 0, parked: 1, oldestPendingSeconds: 0 });
      expect(valueOf(samples, 'qrhub_outbox_pending', { partner: 'sandbox' })).toBe(queue?.pending);
      expect(valueOf(samples, 'qrhub_outbox_parked', { partner: 'sandbox' })).toBe(queue?.parked);
      expect(valueOf(samples, 'qrhub_outbox_oldest_pending_age_seconds', { partner: 'sandbox' })).toBe(
        queue?.oldestPendingSeconds,
      );
      expect(valueOf(samples, 'qrhub_late_answers_disagreeing')).toBe(view.lateAnswersDisagreeing);
    });

    it('the page draws the figures as SVG charts with their numbers in tables', async () => {
      const page = await getAs(hub, '/console/dashboard', OPERATOR).expect(200);
      // Live: the hub's own script reloads it every 30 s (scripts from this origin only), and it says how to stop.
      expect(page.headers['content-security-policy']).toContain("default-src 'none'; script-src 'self';");
      expect(page.text).toContain('<script src="/console/assets/refresh.js" data-seconds="30" defer></script>');
      expect(page.text).toContain('href="/console/dashboard?window=hour&amp;live=0"');
      expect(page.text).toContain('Stop refreshing');
      const still = await getAs(hub, '/console/dashboard?window=day&live=0', OPERATOR).expect(200);
      expect(still.headers['content-security-policy']).not.toContain('script-src');
      expect(still.text).not.toContain('<script');
      expect(still.text).toContain('href="/console/dashboard?window=day"');
      const script = await getAs(hub, '/console/assets/refresh.js', OPERATOR).expect(200);
      expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(script.text).toContain('location.reload()');
      expectErrorDetail(await getAs(hub, '/console/dashboard?live=yes'), 400, 'FORMAT_ERROR');
      for (const id of ['chart-volume', 'chart-declines', 'chart-unknown', 'chart-latency-partner', 'chart-backlog']) {
        expect(page.text).toContain(`id="${id}"`);
      }
      expect(page.text.match(/<svg\s+role="img"/g)?.length).toBeGreaterThanOrEqual(5);
      expect(page.text).toContain('<dd id="fig-approval-rate">37.5 %</dd>');
      expect(page.text).not.toContain('No payments in the last hour');
    });

    it('hour and day are windows of answered_at: a payment answered two hours ago counts only in the day', async () => {
      const twoHoursAgo = Date.now() - 2 * 3_600_000;
      await hub.app
        .get(Database)
        .run((tx) => managerOf(tx).update(Payment, { id: parkedId }, { answeredAt: twoHoursAgo }));
      const [hour, day] = await Promise.all([dashboard('?window=hour'), dashboard('?window=day')]);
      expect(hour.answered).toMatchObject({ total: 7, approved: 2 });
      expect(day.window).toBe('day');
      expect(day.to - day.from).toBe(86_400_000);
      expect(day.answered).toMatchObject({ total: 8, approved: 3 });
    });
  });
});
