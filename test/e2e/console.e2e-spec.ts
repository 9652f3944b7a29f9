import { Browser, BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { OPERATOR } from '../factories/hub-config.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { HubStore } from '../utils/lifecycle-db';
import { deliveredSale, parkedSale, Sale } from '../utils/operator-flows';

/**
 * docs/protocol.md §11 — the operator console in a real headless Chromium (Debian's
 * `chromium`, driven by playwright-core): what an operator sees after signing
 * in with the browser's Basic-auth prompt, and what the buttons do.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

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
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({
      baseURL: hub.baseUrl,
      ignoreHTTPSErrors: true,
      // What the operator types into the browser's sign-in prompt; only ever sent to the hub.
      httpCredentials: { username: OPERATOR.id, password: OPERATOR.password, origin: hub.baseUrl },
    });
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

  it('signs in and shows the search box, the outbox per partner and the parked advices', async () => {
    const res = await page.goto('/console');
    expect(res?.status()).toBe(200);
    // No script, nothing from elsewhere, never framed, never cached.
    expect(await res?.allHeaders()).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': expect.stringContaining("default-src 'none'"),
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
    });
    await expect(page.title()).resolves.toBe('QR hub console');
    await expect(page.locator('header').innerText()).resolves.toContain('Signed in as Operator (ops)');
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
      expect.any(String),
      'Retry Resolve',
    ]);
  });

  it('search by tranId: the timeline of the sale, row by row', async () => {
    await page.goto('/console');
    await page.fill('#q', sale.tranId);
    await Promise.all([page.waitForURL(/\/console\?q=/), page.click('#search button')]);
    await expect(page.locator('#transaction h2').innerText()).resolves.toContain(sale.tranId);
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
  });

  it('search by a message id (the retailer confirmation) finds the same transaction', async () => {
    await page.goto(`/console?q=${sale.adviceId}`);
    await expect(page.locator('#transaction h2').innerText()).resolves.toContain(`(matched by adviceId)`);
    expect(await page.locator('#timeline tbody tr').count()).toBe(9);
  });

  it('a search that finds nothing says so, showing what was typed as text, never as markup', async () => {
    const hostile = '<img src=x id=injected>';
    await page.goto('/console');
    await page.fill('#q', hostile);
    const [res] = await Promise.all([page.waitForResponse(/\/console\?q=/), page.click('#search button')]);
    expect(res.status()).toBe(404);
    await expect(page.locator('#search-problem').innerText()).resolves.toBe(`Nothing found for “${hostile}”.`);
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.inputValue('#q')).toBe(hostile);
  });

  it('Retry puts the parked advice back in the queue; it is attempted again (the sandbox refuses it again)', async () => {
    await page.goto(`/console?q=${toRetry.tranId}`);
    await Promise.all([page.waitForURL(/done=retried/), parkedRow(toRetry.outbox.id).locator('text=Retry').click()]);
    await expect(page.locator('.notice.ok').innerText()).resolves.toContain('Advice put back in the queue');
    // Back on the same transaction, whose timeline now shows the operator's action.
    await expect(page.locator('#transaction h2').innerText()).resolves.toContain(toRetry.tranId);
    await expect(page.locator('#timeline').innerText()).resolves.toContain('Operator retried advice');

    // Attempted again at once: back in the parked list with a second attempt.
    for (let i = 0; ; i++) {
      await page.reload();
      const attempts = await parkedRow(toRetry.outbox.id).locator('td:nth-child(5)').allInnerTexts();
      if (attempts[0] === '2') break;
      if (i > 100) throw new Error(`advice not attempted again: ${attempts.join()}`);
      await page.waitForTimeout(50);
    }
    const titles = await cells(page.locator('#timeline tbody tr'), 2);
    expect(titles.slice(-3)).toEqual(['Confirmation refused', 'Operator retried advice', 'Confirmation refused']);
    expect((await cells(page.locator('#timeline tbody tr'), 3)).at(-2)).toContain('by Operator (ops)');
  });

  it('Resolve marks the parked advice resolved: it leaves the parked list and the figures drop', async () => {
    await page.goto('/console');
    await Promise.all([
      page.waitForURL(/done=resolved/),
      parkedRow(toResolve.outbox.id).locator('text=Resolve').click(),
    ]);
    await expect(page.locator('.notice.ok').innerText()).resolves.toContain('Advice marked resolved');
    expect(await parkedRow(toResolve.outbox.id).count()).toBe(0);
    expect(await sandboxFigures()).toEqual(['sandbox', '0', '1', '—']);
    expect((await store.outbox(toResolve.paymentId))[0]).toMatchObject({ status: 'RESOLVED', resolvedBy: 'ops' });

    await page.goto(`/console?q=${toResolve.paymentId}`);
    const rows = page.locator('#timeline tbody tr');
    expect((await cells(rows, 2)).at(-1)).toBe('Operator resolved advice');
    expect(await page.locator('#timeline tr[data-kind="ADVICE_QUEUED"] td:nth-child(4)').innerText()).toBe('RESOLVED');
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
