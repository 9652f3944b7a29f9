import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { VIEWER } from '../factories/hub-config.factory';
import { accessibilityProblems, launchBrowser, signedIn } from '../utils/browser';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { HubStore } from '../utils/lifecycle-db';
import { deliveredSale, parkedSale, Sale } from '../utils/operator-flows';

/**
 * docs/console/transactions.md — the console's advices page and the
 * actions on a parked advice, in a real headless Chromium (Debian's
 * `chromium`, driven by playwright-core): what an operator sees after
 * signing in with the browser's Basic-auth prompt, what the buttons do, and
 * that a viewer gets no buttons and cannot act.
 */

type Parked = Sale & { outbox: { id: string } };

describe('operator console in a browser (docs/protocol.md §11)', () => {
  let hub: TestApp;
  let store: HubStore;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let sale: Sale;
  let toRetry: Parked;
  let toResolve: Parked;

  beforeAll(async () => {
    hub = await createTestApp({ initialDelayMs: 50, maxDelayMs: 200 });
    store = new HubStore(hub);
    browser = await launchBrowser();
    // What the operator types into the browser's sign-in prompt; only ever sent to the hub.
    context = await signedIn(browser, hub);
    page = await context.newPage();
    sale = await deliveredSale(hub);
    [toRetry, toResolve] = await Promise.all([parkedSale(hub), parkedSale(hub, 2098)]);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  /** Text as the operator reads it: the markup's line breaks and indentation collapsed. */
  const texts = async (locator: Locator): Promise<string[]> =>
    (await locator.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  const cells = (row: Locator, column: number): Promise<string[]> => texts(row.locator(`td:nth-child(${column})`));
  const parkedRow = (id: string): Locator => page.locator(`#parked tr[data-outbox-id="${id}"]`);
  const sandboxFigures = (): Promise<string[]> => texts(page.locator('#outbox tr[data-partner="sandbox"] td'));

  it('the advices page: the outbox per partner and the parked advices, with Retry and Resolve', async () => {
    const res = await page.goto('/console/advices');
    expect(res?.status()).toBe(200);
    // No script, nothing from elsewhere, never framed, never cached.
    expect(await res?.allHeaders()).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': expect.stringContaining("default-src 'none'"),
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
    });
    await expect(page.title()).resolves.toBe('Advices · QR hub console');
    await expect(page.locator('header').innerText()).resolves.toContain('Signed in as Operator (ops)');
    await expect(page.locator('nav a[aria-current=page]').innerText()).resolves.toBe('Advices');
    expect(await sandboxFigures()).toEqual(['sandbox', '0', '2', '—']);
    expect(await page.locator('#parked h2').innerText()).toBe('Parked advices (2)');
    const row = parkedRow(toRetry.outbox.id);
    expect(await texts(row.locator('td'))).toEqual([
      toRetry.outbox.id,
      toRetry.paymentId,
      'sandbox',
      'CONFIRMATION',
      '1',
      expect.stringMatching(/^400 GENERAL_ERROR: /),
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      'Retry Resolve',
    ]);
    expect(await page.locator('#retention tr[data-kind]').count()).toBeGreaterThan(0);
    expect(await accessibilityProblems(page)).toEqual([]);
  });

  it('the timeline of a delivered sale, row by row', async () => {
    await page.goto(`/console/transactions/${sale.tranId}`);
    const rows = page.locator('#timeline tbody tr');
    expect(await cells(rows, 2)).toEqual([
      'QR code issued',
      'Payment received',
      'Scan accepted',
      'Sent to partner',
      'Partner approved',
      'Answered retailer',
      'Confirmation received',
      'Confirmation queued',
      'Confirmation delivered',
    ]);
    expect(await cells(rows, 4)).toEqual([
      'PAID',
      'APPROVED / CONFIRMED',
      'ACCEPTED',
      'SENT',
      'APPROVED',
      '201',
      'answered 202',
      'DELIVERED',
      'DELIVERED',
    ]);
    expect((await cells(rows, 3))[1]).toContain(`payment ${sale.paymentId}`);
    const times: Array<string | null> = [];
    for (const time of await rows.locator('time').all()) times.push(await time.getAttribute('datetime'));
    expect(times).toHaveLength(9);
    expect(times).toEqual([...times].sort());
    // A delivered advice has nothing to act on.
    expect(await page.locator('#advices button').count()).toBe(0);
  });

  it('a parked advice on its timeline has Retry and Resolve; the page passes the accessibility scan', async () => {
    await page.goto(`/console/transactions/${toRetry.tranId}`);
    expect(await texts(page.locator('#payments tbody td:nth-child(3)'))).toEqual([
      'Approved · confirmed · delivery parked',
    ]);
    expect(await texts(page.locator(`#advices tr[data-outbox-id="${toRetry.outbox.id}"] button`))).toEqual([
      'Retry',
      'Resolve',
    ]);
    expect(await accessibilityProblems(page)).toEqual([]);
  });

  it('Retry on the timeline puts the parked advice back in the queue and returns to that timeline', async () => {
    await page.goto(`/console/transactions/${toRetry.tranId}`);
    await Promise.all([
      page.waitForURL(/done=retried/),
      page.locator(`#advices tr[data-outbox-id="${toRetry.outbox.id}"]`).locator('text=Retry').click(),
    ]);
    expect(new URL(page.url()).pathname).toBe(`/console/transactions/${toRetry.tranId}`);
    await expect(page.locator('#notice.ok').innerText()).resolves.toContain('Advice put back in the queue');
    await expect(page.locator('#timeline').innerText()).resolves.toContain('Operator retried advice');

    // Attempted again at once: back in the parked list with a second attempt.
    await page.goto('/console/advices');
    for (let i = 0; ; i++) {
      const attempts = await parkedRow(toRetry.outbox.id).locator('td:nth-child(5)').allInnerTexts();
      if (attempts[0] === '2') break;
      if (i > 100) throw new Error(`advice not attempted again: ${attempts.join()}`);
      await page.waitForTimeout(50);
      await page.reload();
    }
    await page.goto(`/console/transactions/${toRetry.tranId}`);
    const titles = await cells(page.locator('#timeline tbody tr'), 2);
    expect(titles.slice(-3)).toEqual(['Confirmation refused', 'Operator retried advice', 'Confirmation refused']);
    expect((await cells(page.locator('#timeline tbody tr'), 3)).at(-2)).toContain('by Operator (ops)');
  });

  it('Resolve on the advices page: it leaves the parked list, the figures drop, back on the same page', async () => {
    await page.goto('/console/advices');
    await Promise.all([
      page.waitForURL(/done=resolved/),
      parkedRow(toResolve.outbox.id).locator('text=Resolve').click(),
    ]);
    expect(new URL(page.url()).pathname).toBe('/console/advices');
    await expect(page.locator('#notice.ok').innerText()).resolves.toContain('Advice marked resolved');
    expect(await parkedRow(toResolve.outbox.id).count()).toBe(0);
    expect(await sandboxFigures()).toEqual(['sandbox', '0', '1', '—']);
    expect((await store.outbox(toResolve.paymentId))[0]).toMatchObject({ status: 'RESOLVED', resolvedBy: 'ops' });

    await page.goto(`/console/transactions/${toResolve.paymentId}`);
    const rows = page.locator('#timeline tbody tr');
    expect((await cells(rows, 2)).at(-1)).toBe('Operator resolved advice');
    expect(await page.locator('#timeline tr[data-kind="ADVICE_QUEUED"] td:nth-child(4)').innerText()).toBe('RESOLVED');
  });

  it('a viewer sees the parked advices but no buttons, and cannot act (403)', async () => {
    const viewer = await signedIn(browser, hub, VIEWER);
    try {
      const view = await viewer.newPage();
      await view.goto('/console/advices');
      await expect(view.locator('header').innerText()).resolves.toContain('read-only');
      expect(await view.locator(`#parked tr[data-outbox-id="${toRetry.outbox.id}"]`).count()).toBe(1);
      expect(await view.locator('button, form[method=post]').count()).toBe(0);
      await view.goto(`/console/transactions/${toRetry.tranId}`);
      expect(await view.locator('#advices button').count()).toBe(0);
      // A viewer's own browser posting the form anyway (same origin): refused, nothing changes.
      const res = await view.request.post(`/console/outbox/${toRetry.outbox.id}/resolve`, {
        headers: { Origin: hub.baseUrl, 'Sec-Fetch-Site': 'same-origin' },
        maxRedirects: 0,
      });
      expect(res.status()).toBe(403);
      expect(await res.json()).toMatchObject({ errorType: 'GENERAL_ERROR', errorMessage: 'Operation not permitted' });
      expect((await store.outbox(toRetry.paymentId))[0].status).toBe('PARKED');
    } finally {
      await viewer.close();
    }
  });

  it('an action never returns anywhere but the console', async () => {
    const res = await page.request.post(
      `/console/outbox/nope/retry?back=${encodeURIComponent('https://evil.example/console')}`,
      { headers: { Origin: hub.baseUrl, 'Sec-Fetch-Site': 'same-origin' }, maxRedirects: 0 },
    );
    expect(res.status()).toBe(303);
    expect(res.headers().location).toBe('/console/advices?done=not-found');
  });

  it('a form on another site cannot act with the operator’s credentials (CSRF)', async () => {
    // A page that is not the hub (about:blank here) posting to the hub, as a hostile site would.
    // The same tab as the other tests: opening a second one has hung Chromium under load.
    await page.goto('about:blank');
    await page.setContent(
      `<form method="post" action="${hub.baseUrl}/console/outbox/${toRetry.outbox.id}/resolve"><button>go</button></form>`,
    );
    const [res] = await Promise.all([
      page.waitForResponse(/\/resolve/, { timeout: 20_000 }),
      page.click('button', { timeout: 20_000 }),
    ]);
    expect(res.status()).toBe(403);
    expect((await store.outbox(toRetry.paymentId))[0].status).toBe('PARKED');
  });
});
