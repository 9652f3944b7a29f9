import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { SANDBOX, WALLET } from '../factories/hub-config.factory';
import type { DashboardView } from '@app/admin/dashboard/dashboard.service';
import type { LateAnswerPage } from '@app/admin/reconciliation/reconciliation.service';
import { accessibilityProblems, launchBrowser, screenshot, signedIn } from '../utils/browser';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createQr, payWithScan, poster, Post, waitFor } from '../utils/flows';
import { HubStore } from '../utils/lifecycle-db';
import { getAs, parkedSale } from '../utils/operator-flows';
import { PartnerServer, startPartnerServer } from '../utils/partner-server';

/**
 * docs/console/dashboard.md, docs/console/reconciliation.md — the dashboard and
 * the late-answer list in a real headless Chromium: the charts are SVG images
 * whose numbers the tables beside them give (read here and compared with the
 * API), the pages pass axe-core, and the window switch works from the keyboard.
 */

const PARTNER_TIMEOUT_MS = 250;

describe('dashboard and late answers in a browser', () => {
  let partner: PartnerServer;
  let hub: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let post: Post;
  let lateTranId: string;

  const texts = async (locator: Locator): Promise<string[]> =>
    (await locator.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  /** A chart's data table as rows of cells (row header first). */
  const tableOf = async (chartId: string): Promise<string[][]> => {
    const rows = page.locator(`#${chartId} table.chart-data tbody tr`);
    const out: string[][] = [];
    for (let i = 0; i < (await rows.count()); i++) out.push(await texts(rows.nth(i).locator('th, td')));
    return out;
  };

  async function pay(amount: number, who = SANDBOX): Promise<{ id: string; tranId: string; status: number }> {
    const tranId = await createQr(post, amount);
    const paid = await payWithScan(post, tranId, amount, who);
    return { id: paid.id, tranId, status: paid.answer.status };
  }

  beforeAll(async () => {
    partner = await startPartnerServer({ lateMs: 1000, hangMs: 5000 });
    hub = await createTestApp({
      walletBaseUrl: partner.baseUrl,
      walletCaFile: partner.caFile,
      partnerTimeoutMs: PARTNER_TIMEOUT_MS,
      initialDelayMs: 50,
      maxDelayMs: 200,
      console: { timeZone: 'Africa/Johannesburg' },
    });
    post = poster(hub.baseUrl);
    const store = new HubStore(hub);
    // A handful of varied payments: approvals, declines of two kinds, a partner error, a late approval.
    for (const amount of [2500, 4200, 1999]) await pay(amount);
    for (const amount of [3051, 1057, 2096]) await pay(amount);
    for (const amount of [12000, 8051]) await pay(amount, WALLET);
    const late = await pay(1092);
    lateTranId = late.tranId;
    await waitFor('the late answer', async () => (await store.payment(late.id))?.lateResponse ?? undefined);
    const walletLate = await pay(2092, WALLET);
    await waitFor('the late answer', async () => (await store.payment(walletLate.id))?.lateResponse ?? undefined);
    await parkedSale(hub, 5098);
    browser = await launchBrowser();
    context = await signedIn(browser, hub);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await partner?.close();
  });

  it('draws the dashboard as SVG charts whose tables give the numbers the API gives', async () => {
    const res = await page.goto('/console/dashboard');
    expect(res?.status()).toBe(200);
    const api = (await getAs(hub, '/admin/v1/dashboard').expect(200)).body as DashboardView;
    expect(await page.locator('h1').allInnerTexts()).toEqual(['Dashboard']);
    expect(await page.locator('nav[aria-label="Console"] a[aria-current="page"]').innerText()).toBe('Dashboard');
    expect(await page.locator('svg[role="img"]').count()).toBeGreaterThanOrEqual(6);
    for (const svg of await page.locator('svg[role="img"]').all()) {
      expect(await svg.locator('title').textContent()).toBeTruthy();
    }

    expect(await tableOf('chart-volume')).toEqual(
      api.partners.map((p) => [p.partnerId, `${p.approved}`, `${p.declined}`, `${p.unknown}`, `${p.total}`]),
    );
    expect(api.partners).toEqual([
      expect.objectContaining({ partnerId: 'sandbox', approved: 4, declined: 2, unknown: 2 }),
      expect.objectContaining({ partnerId: 'wallet-a', approved: 1, declined: 1, unknown: 1 }),
    ]);
    expect(await tableOf('chart-declines')).toEqual(api.declinesByErrorType.map((d) => [d.errorType, `${d.count}`]));
    expect(await tableOf('chart-unknown')).toEqual(api.unknownByReason.map((u) => [u.reason, `${u.count}`]));
    expect(await tableOf('chart-latency-partner')).toEqual(
      api.latency.map((l) => [l.partnerId, `${l.partner.p50}`, `${l.partner.p99}`]),
    );
    expect(await tableOf('chart-backlog')).toEqual(
      api.outbox.filter((o) => o.pending + o.parked > 0).length > 0
        ? api.outbox.map((o) => [o.partnerId, `${o.pending}`, `${o.parked}`, `${o.pending + o.parked}`])
        : [],
    );
    expect(await page.locator('#fig-answered').innerText()).toBe(`${api.answered.total}`);
    expect(await page.locator('#fig-late').innerText()).toBe(`${api.lateAnswersDisagreeing}`);
    expect(api.lateAnswersDisagreeing).toBe(2);
    expect(await page.locator('footer').innerText()).toContain('Africa/Johannesburg (UTC+02:00)');
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'dashboard');
  });

  it('reloads itself every 30 seconds by the hub’s own script, says so, and stops when asked', async () => {
    const refused: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && refused.push(m.text())));
    const script = page.waitForResponse((r) => r.url().endsWith('/console/assets/refresh.js'));
    await page.goto('/console/dashboard');
    expect(await page.locator('#live-state').innerText()).toBe('The page reloads every 30 seconds.');
    expect(await page.locator('script[src="/console/assets/refresh.js"]').getAttribute('data-seconds')).toBe('30');
    // Loaded and run under the page's CSP (a refused script would be a console error).
    expect((await script).status()).toBe(200);
    expect(refused).toEqual([]);
    expect(await accessibilityProblems(page)).toEqual([]);
    await Promise.all([page.waitForURL(/live=0/), page.locator('#live-switch').click()]);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('#live-switch').innerText()).toBe('Refresh every 30 seconds');
    expect(await accessibilityProblems(page)).toEqual([]);
    page.removeAllListeners('console');
  });

  it('switches the window from the keyboard: Tab reaches the switch, Enter follows it', async () => {
    await page.goto('/console/dashboard');
    let focused: string | null = null;
    for (let i = 0; i < 30 && focused !== 'day'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.locator(':focus').getAttribute('data-window');
    }
    expect(focused).toBe('day');
    await Promise.all([page.waitForURL(/window=day/), page.keyboard.press('Enter')]);
    expect(await page.locator('.window-switch a[aria-current="page"]').innerText()).toBe('Last 24 hours');
    expect(await page.locator('#summary-h').innerText()).toBe('In the last 24 hours');
    expect(await accessibilityProblems(page)).toEqual([]);
  });

  it('lists the late approval on the reconciliation page, accessible, linked to its timeline', async () => {
    const res = await page.goto('/console/reconciliation');
    expect(res?.status()).toBe(200);
    const api = (await getAs(hub, '/admin/v1/reconciliation').expect(200)).body as LateAnswerPage;
    expect(await page.locator('h1').allInnerTexts()).toEqual(['Late answers']);
    expect(await page.locator('nav[aria-label="Console"] a[aria-current="page"]').innerText()).toBe('Late answers');
    const rows = page.locator('#late-answers tbody tr');
    expect(await rows.count()).toBe(api.count);
    const row = page.locator(`#late-answers tr[data-tran-id="${lateTranId}"]`);
    const cells = await texts(row.locator('td'));
    expect(cells.slice(1, 4)).toEqual([lateTranId, 'sandbox', 'ZAR 10.92']);
    expect(cells[4]).toMatch(/^Reversed — partner timed out · (delivered|delivery pending)$/);
    expect(cells[5]).toMatch(/^Approved ZAR 10\.92 \(HTTP 20\d\)$/);
    expect(await row.locator('a').getAttribute('href')).toBe(`/console/transactions/${lateTranId}`);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'reconciliation');
  });
});
