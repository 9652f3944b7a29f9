import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { VIEWER } from '../factories/hub-config.factory';
import { accessibilityProblems, launchBrowser, screenshot, signedIn } from '../utils/browser';
import { Outcome, sandboxSale, seedPayments, waitingSale } from '../utils/console-sales';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { HubStore } from '../utils/lifecycle-db';
import { deliveredSale, Sale } from '../utils/operator-flows';

/**
 * docs/console/transactions.md — the console's home (the transactions list)
 * and a transaction's timeline in a real headless Chromium: what an
 * operations team sees for sales that were approved, declined, reversed,
 * timed out or are still waiting; filters, paging, search, keyboard-only
 * use and the accessibility scan.
 */

/** The console shows Johannesburg time: every time on the page is two hours ahead of UTC. */
const ZONE = 'Africa/Johannesburg';

describe('console: transactions list and timeline in a browser', () => {
  let hub: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let delivered: Sale;
  let declined: Outcome;
  let retailerReversed: Outcome;
  let timedOut: Outcome;
  let waiting: Outcome;

  beforeAll(async () => {
    // A short partner timeout, so the sandbox's "never answers" (cents 91) becomes UNKNOWN quickly.
    hub = await createTestApp({
      initialDelayMs: 50,
      maxDelayMs: 200,
      partnerTimeoutMs: 1000,
      // The waiting payment must still wait when the first test looks (scan wait + partner timeout ≤ 60 s).
      scanWaitMs: 55_000,
      console: { timeZone: ZONE },
    });
    browser = await launchBrowser();
    context = await signedIn(browser, hub);
    page = await context.newPage();
    const store = new HubStore(hub);
    delivered = await deliveredSale(hub, 1250);
    declined = await sandboxSale(hub, 2051, 'nothing');
    retailerReversed = await sandboxSale(hub, 3000, 'reverse');
    timedOut = await sandboxSale(hub, 4091, 'nothing');
    await store.untilOutbox(timedOut.paymentId, 'REVERSAL', 'DELIVERED');
    await store.untilOutbox(retailerReversed.paymentId, 'REVERSAL', 'DELIVERED');
    waiting = await waitingSale(hub, 599);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  const texts = async (locator: Locator): Promise<string[]> =>
    (await locator.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  const rows = (): Locator => page.locator('#payment-list tbody tr[data-payment-id]');
  const column = (n: number): Promise<string[]> => texts(rows().locator(`td:nth-child(${n})`));
  const rowOf = (paymentId: string): Locator => page.locator(`#payment-list tr[data-payment-id="${paymentId}"]`);

  it('lists payments newest first with their words, ZAR amounts and times in the console zone', async () => {
    const res = await page.goto('/console');
    expect(res?.status()).toBe(200);
    expect(await res?.allHeaders()).toMatchObject({
      'content-security-policy': expect.stringContaining("default-src 'none'"),
      'cache-control': 'no-store',
    });
    await expect(page.title()).resolves.toBe('Transactions · QR hub console');
    const ids = await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-payment-id')));
    expect(ids).toEqual([
      waiting.paymentId,
      timedOut.paymentId,
      retailerReversed.paymentId,
      declined.paymentId,
      delivered.paymentId,
    ]);
    expect(await column(3)).toEqual([
      "Waiting for the customer's scan",
      'Reversed — partner timed out · delivered',
      'Approved · reversed · delivered',
      'Declined — INSUFFICIENT_FUNDS',
      'Approved · confirmed · delivered',
    ]);
    expect(await column(4)).toEqual(['ZAR 5.99', 'ZAR 40.91', 'ZAR 30.00', 'ZAR 20.51', 'ZAR 12.50']);
    expect(await rowOf(delivered.paymentId).locator('td:nth-child(3)').getAttribute('class')).toContain('tone-ok');
    expect(await rowOf(declined.paymentId).locator('td:nth-child(3)').getAttribute('class')).toContain('tone-ended');
    // The time shown is Johannesburg's; the instant is in the markup.
    const time = rowOf(delivered.paymentId).locator('time');
    const instant = Date.parse((await time.getAttribute('datetime')) ?? '');
    const local = new Date(instant + 2 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(await time.innerText()).toBe(local);
    await expect(page.locator('footer').innerText()).resolves.toBe(`Times in ${ZONE} (UTC+02:00)`);
    await screenshot(page, 'transactions');
  });

  it('filters: state, amount in major units, and a search that finds nothing', async () => {
    await page.goto('/console');
    await page.selectOption('#f-phase', 'DECLINED');
    await Promise.all([page.waitForURL(/phase=DECLINED/), page.click('#apply')]);
    expect(await column(3)).toEqual(['Declined — INSUFFICIENT_FUNDS']);
    expect(await page.inputValue('#f-phase')).toBe('DECLINED');

    await page.goto('/console');
    await page.fill('#f-currency', 'ZAR');
    await page.fill('#f-amountFrom', '12.50');
    await page.fill('#f-amountTo', '30');
    await Promise.all([page.waitForURL(/amountFrom=12.50/), page.click('#apply')]);
    expect(await column(4)).toEqual(['ZAR 30.00', 'ZAR 20.51', 'ZAR 12.50']);
    await expect(page.locator('#f-amountFrom-hint').innerText()).resolves.toBe('In ZAR (2 decimals), e.g. 12.50');

    const res = await page.goto('/console?terminal=nope');
    expect(res?.status()).toBe(200);
    await expect(page.locator('#no-payments').innerText()).resolves.toBe('No payments match.');
  });

  it('a bad filter is shown on the page (400), the form keeps what was typed', async () => {
    const res = await page.goto('/console?amountFrom=12.505&retailer=%3Cb%3E');
    expect(res?.status()).toBe(400);
    await expect(page.locator('#problem[role=alert]').innerText()).resolves.toBe(
      'Amount from has more than 2 decimals',
    );
    expect(await page.inputValue('#f-amountFrom')).toBe('12.505');
    expect(await page.inputValue('#f-retailer')).toBe('<b>');
    const late = await page.goto('/console?from=2026-13-01T00:00');
    expect(late?.status()).toBe(400);
    await expect(page.locator('#problem').innerText()).resolves.toMatch(/^Time from must be a date and time/);
  });

  it('Newer/Older paging keeps the filters', async () => {
    // Older seeded payments, in the past, so they sort after the real sales.
    const base = Date.UTC(2026, 0, 10, 12);
    await seedPayments(
      hub,
      Array.from({ length: 60 }, (_, i) => ({ createdAt: base + i * 1000, partnerId: 'paging-partner' })),
    );
    await page.goto('/console?partner=paging-partner');
    expect(await rows().count()).toBe(50);
    expect(await page.locator('#newer').count()).toBe(0);
    await Promise.all([page.waitForURL(/cursor=/), page.click('#older')]);
    expect(page.url()).toContain('partner=paging-partner');
    expect(await rows().count()).toBe(10);
    expect(await page.locator('#older').count()).toBe(0);
    await Promise.all([page.waitForURL(/cursor=/), page.click('#newer')]);
    expect(await rows().count()).toBe(50);
    expect(await page.locator('#newer').count()).toBe(0);
  });

  it('a row opens its timeline: payment words, money, advices and events in the console zone', async () => {
    await page.goto('/console');
    await Promise.all([
      page.waitForURL(/\/console\/transactions\//),
      rowOf(delivered.paymentId).locator('td:nth-child(2) a').click(),
    ]);
    await expect(page.locator('h1').innerText()).resolves.toBe(`Transaction ${delivered.tranId}`);
    expect(await texts(page.locator('#payments tbody td:nth-child(3)'))).toEqual(['Approved · confirmed · delivered']);
    expect(await texts(page.locator('#payments tbody td:nth-child(4)'))).toEqual(['ZAR 12.50']);
    expect(await texts(page.locator('#advices tbody td:nth-child(4)'))).toEqual(['DELIVERED']);
    const events = page.locator('#timeline tbody tr');
    expect((await texts(events.locator('td:nth-child(2)'))).slice(0, 2)).toEqual([
      'QR code issued',
      'Payment received',
    ]);
    const datetimes = await events.locator('time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
    expect(datetimes).toEqual([...datetimes].sort());
    expect(await page.locator('#timeline time').first().innerText()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    await screenshot(page, 'timeline');

    await page.goto(`/console/transactions/${timedOut.tranId}`);
    expect(await texts(page.locator('#payments tbody td:nth-child(3)'))).toEqual([
      'Reversed — partner timed out · delivered',
    ]);
    await page.goto(`/console/transactions/${declined.tranId}`);
    expect(await texts(page.locator('#payments tbody td:nth-child(3)'))).toEqual(['Declined — INSUFFICIENT_FUNDS']);
  });

  it('a search for one transaction’s id goes straight to its timeline (303); an unknown one says so', async () => {
    await page.goto('/console');
    await page.fill('#f-q', delivered.adviceId);
    await Promise.all([page.waitForURL(/\/console\/transactions\//), page.click('#apply')]);
    expect(page.url()).toContain(`/console/transactions/${delivered.tranId}`);
    const hostile = '<img src=x id=injected>';
    const res = await page.goto(`/console?q=${encodeURIComponent(hostile)}`);
    expect(res?.status()).toBe(200);
    await expect(page.locator('#problem').innerText()).resolves.toBe(`Nothing found for “${hostile}”.`);
    expect(await page.locator('#injected').count()).toBe(0);
    const missing = await page.goto('/console/transactions/0123456789abcdef0123456789abcdef');
    expect(missing?.status()).toBe(404);
    expect(await page.locator('h1').count()).toBe(1);
  });

  it('keyboard only: reach the filter form, submit it, reach a row link and open its timeline', async () => {
    await page.goto('/console');
    // What has the focus now (the body, with no id, before the first Tab).
    const focusedId = (): Promise<string> => page.evaluate<string>('document.activeElement?.id ?? ""');
    for (let i = 0; i < 15 && (await focusedId()) !== 'f-q'; i++) await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('f-q');
    // The focus is visible: the outline style applies to the focused field.
    expect(await page.locator('#f-q:focus-visible').count()).toBe(1);
    expect(await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('f-phase');
    // The sixth choice after "Any state" is Declined.
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowDown');
    expect(await page.inputValue('#f-phase')).toBe('DECLINED');
    for (let i = 0; i < 40 && (await focusedId()) !== 'apply'; i++) await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('apply');
    await Promise.all([page.waitForURL(/phase=DECLINED/), page.keyboard.press('Enter')]);
    expect(await rows().count()).toBe(1);
    const link = rowOf(declined.paymentId).locator('td:nth-child(2) a');
    for (let i = 0; i < 40 && !(await link.evaluate((a) => a.matches(':focus'))); i++) {
      await page.keyboard.press('Tab');
    }
    expect(await page.locator('#payment-list a:focus-visible').innerText()).toBe(declined.tranId);
    await Promise.all([page.waitForURL(/\/console\/transactions\//), page.keyboard.press('Enter')]);
    await expect(page.locator('h1').innerText()).resolves.toBe(`Transaction ${declined.tranId}`);
  });

  it('has no accessibility problems: the list, a filtered list with an error, the timeline', async () => {
    await page.goto('/console');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.goto('/console?amountTo=x');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.goto(`/console/transactions/${delivered.tranId}`);
    expect(await accessibilityProblems(page)).toEqual([]);
  });

  it('a viewer reads the list and the timeline; the header says read-only', async () => {
    const viewer = await signedIn(browser, hub, VIEWER);
    try {
      const view = await viewer.newPage();
      expect((await view.goto('/console'))?.status()).toBe(200);
      await expect(view.locator('header').innerText()).resolves.toContain('Signed in as Auditor (auditor) · read-only');
      expect((await view.goto(`/console/transactions/${delivered.tranId}`))?.status()).toBe(200);
    } finally {
      await viewer.close();
    }
  });
});
