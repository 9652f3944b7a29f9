import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { OTHER_RETAILER, RETAILER, VIEWER } from '../factories/hub-config.factory';
import { accessibilityProblems, launchBrowser, screenshot, signedIn } from '../utils/browser';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { FakeClock } from '../utils/fake-clock';
import { HubStore } from '../utils/lifecycle-db';
import { SettlementFlows, USD } from '../utils/settlement-flows';

/**
 * The settlement page (docs/console/settlement.md) in a real headless
 * Chromium: the day's tables with their amounts, moving between days, the CSV
 * download, the keyboard, and the accessibility scan. The hub runs on a fake
 * clock at 2026-12-04 in Africa/Johannesburg with an 18:00 cut-off.
 */

const sast = (local: string): number => Date.parse(`${local}+02:00`);

describe('settlement page in a browser (docs/console/settlement.md)', () => {
  const clock = new FakeClock(sast('2026-12-04T08:00:00'));
  let hub: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    hub = await createTestApp({
      clock,
      console: { timeZone: 'Africa/Johannesburg', businessDayCutoff: '18:00' },
      partnerTimeoutMs: 1000,
    });
    const store = new HubStore(hub);
    const flows = new SettlementFlows(hub);
    const step = () => clock.jump(17 * 60_000);
    // A handful of varied payments in business day 2026-12-04.
    await flows.advise('confirmations', await flows.approvedSale(12_550));
    step();
    await flows.advise('confirmations', await flows.approvedSale(4_520, OTHER_RETAILER), OTHER_RETAILER);
    step();
    await flows.advise('confirmations', await flows.approvedSale(2_000, RETAILER, USD));
    step();
    await flows.advise('reversals', await flows.approvedSale(3_000));
    step();
    const parked = await flows.approvedSale(1_098);
    await flows.advise('confirmations', parked);
    await store.untilOutbox(parked, 'CONFIRMATION', 'PARKED');
    step();
    const timedOut = await flows.startSale(4_091);
    await store.untilPaymentState(timedOut.id, 'SENDING');
    clock.advance(1000);
    await timedOut.answer;
    step();
    await (
      await flows.startSale(5_051)
    ).answer; // declined: not in the report
    await flows.approvedSale(2_210, OTHER_RETAILER); // approved, not yet confirmed
    browser = await launchBrowser();
    context = await signedIn(browser, hub);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  const texts = async (locator: Locator): Promise<string[]> =>
    (await locator.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

  it('shows the current business day: its interval, both tables with ZAR amounts and the totals', async () => {
    const res = await page.goto('/console/settlement');
    expect(res?.status()).toBe(200);
    expect(await res?.allHeaders()).toMatchObject({
      'content-security-policy': expect.stringContaining("default-src 'none'"),
      'cache-control': 'no-store',
    });
    await expect(page.title()).resolves.toBe('Settlement 2026-12-04 · QR hub console');
    expect(await page.locator('h1').count()).toBe(1);
    await expect(page.locator('#settlement-day').innerText()).resolves.toBe('2026-12-04');
    await expect(page.locator('nav a[aria-current=page]').innerText()).resolves.toBe('Settlement');
    expect((await texts(page.locator('#settlement-interval')))[0]).toContain(
      '2026-12-03 18:00 → 2026-12-04 18:00 Africa/Johannesburg',
    );
    expect(await page.inputValue('#day')).toBe('2026-12-04');

    expect(await texts(page.locator('#partners-table thead tr:first-child th'))).toEqual([
      'Partner',
      'Currency',
      'Approved',
      'Confirmed',
      'Reversed',
      'Timeout reversals',
      'Advices',
    ]);
    const sandboxZar = page.locator('#partners-table tbody tr[data-group="sandbox"][data-currency="ZAR"]');
    // Approved 125.50 + 30.00 + 10.98 + 45.20 + 22.10; confirmed 125.50 + 45.20 + 10.98; one reversal; one timeout reversal.
    expect(await texts(sandboxZar.locator('th, td'))).toEqual([
      'Sandbox Wallet sandbox',
      'ZAR',
      '5',
      'ZAR 233.78',
      '3',
      'ZAR 181.68',
      '1',
      'ZAR 30.00',
      '1',
      'ZAR 40.91',
      '0',
      '1',
    ]);
    expect(await texts(page.locator('#retailers-table tbody tr th'))).toEqual([
      'Test Retailer 1234',
      'Test Retailer 1234',
      'Other Retailer 5678',
    ]);
    expect(await texts(page.locator('#retailers-table tbody tr td:nth-child(2)'))).toEqual(['USD', 'ZAR', 'ZAR']);
    expect(await texts(page.locator('#retailers-table tfoot tr td:nth-child(4)'))).toEqual(['USD 20.00', 'ZAR 233.78']);
  });

  it('previous and next day links move one business day and back', async () => {
    await page.goto('/console/settlement?day=2026-12-04');
    await Promise.all([page.waitForURL(/day=2026-12-03$/), page.click('#previous-day')]);
    await expect(page.locator('#settlement-day').innerText()).resolves.toBe('2026-12-03');
    expect((await texts(page.locator('#settlement-interval')))[0]).toContain('2026-12-02 18:00 → 2026-12-03 18:00');
    await expect(page.locator('#partners-empty').innerText()).resolves.toContain('Nothing was approved or settled');
    await Promise.all([page.waitForURL(/day=2026-12-04$/), page.click('#next-day')]);
    await expect(page.locator('#settlement-day').innerText()).resolves.toBe('2026-12-04');
    expect(await page.locator('#partners-table').count()).toBe(1);
  });

  it('Download CSV saves settlement-<day>.csv with the header line and a row per group and currency', async () => {
    await page.goto('/console/settlement?day=2026-12-04');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    expect(download.suggestedFilename()).toBe('settlement-2026-12-04.csv');
    const text = await readFile(await download.path(), 'utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(
      'business_day,from,to,time_zone,grouping,group,name,currency,currency_numeric,' +
        'approved_count,approved_amount,approved_minor,confirmed_count,confirmed_amount,confirmed_minor,' +
        'reversed_count,reversed_amount,reversed_minor,timeout_reversals_count,timeout_reversals_amount,' +
        'timeout_reversals_minor,advices_pending,advices_parked',
    );
    // 2 partner rows (USD, ZAR), 3 retailer rows, 2 totals, and the empty string after the last CRLF.
    expect(lines).toHaveLength(1 + 7 + 1);
    expect(lines[1]).toMatch(
      /^2026-12-04,2026-12-03T16:00:00\.000Z,2026-12-04T16:00:00\.000Z,Africa\/Johannesburg,partner,sandbox,Sandbox Wallet,USD,840,1,20\.00,2000,/,
    );
  });

  it('keyboard: Tab reaches the day field, a changed day is shown on Enter', async () => {
    await page.goto('/console/settlement?day=2026-12-04');
    let focused = '';
    for (let i = 0; i < 20 && focused !== 'day'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(
        () => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id,
      );
    }
    expect(focused).toBe('day');
    // The first part of the field (month or day, by locale) goes down by one: a different, earlier date.
    await page.keyboard.press('ArrowDown');
    const chosen = await page.inputValue('#day');
    expect(chosen).toMatch(/^2026-\d{2}-\d{2}$/);
    expect(chosen < '2026-12-04').toBe(true);
    await Promise.all([page.waitForURL(new RegExp(`day=${chosen}$`)), page.keyboard.press('Enter')]);
    await expect(page.locator('#settlement-day').innerText()).resolves.toBe(chosen);
  });

  it('a bad day shows the problem on the page (400) with a way back to the current day', async () => {
    const res = await page.goto('/console/settlement?day=2026-02-30');
    expect(res?.status()).toBe(400);
    await expect(page.locator('#settlement-problem').innerText()).resolves.toContain(
      'day must be a calendar date YYYY-MM-DD',
    );
    await Promise.all([page.waitForURL(/day=2026-12-04$/), page.click('#current-day')]);
    expect(await page.locator('#partners-table').count()).toBe(1);
  });

  it('has no accessibility problems (axe: WCAG 2.1 A/AA and best practice), with data and without', async () => {
    await page.goto('/console/settlement?day=2026-12-04');
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'settlement');
    await page.goto('/console/settlement?day=2026-12-03');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.goto('/console/settlement?day=nope');
    expect(await accessibilityProblems(page)).toEqual([]);
  });

  it('a viewer sees the same page, marked read-only', async () => {
    const viewer = await signedIn(browser, hub, VIEWER);
    try {
      const viewerPage = await viewer.newPage();
      const res = await viewerPage.goto('/console/settlement?day=2026-12-04');
      expect(res?.status()).toBe(200);
      await expect(viewerPage.locator('header').innerText()).resolves.toContain('read-only');
      expect(await viewerPage.locator('#retailers-table tbody tr').count()).toBe(3);
    } finally {
      await viewer.close();
    }
  });
});
