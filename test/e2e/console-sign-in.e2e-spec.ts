import type { Browser, BrowserContext } from 'playwright-core';
import type { Response } from 'supertest';
import { expectErrorDetail } from '../factories/error-detail.matcher';
import { OPERATOR, RETAILER, VIEWER, WALLET } from '../factories/hub-config.factory';
import { accessibilityProblems, launchBrowser, screenshot, signedIn } from '../utils/browser';
import { createTestApp, TestApp } from '../utils/create-test-app';

/**
 * Signing in to the console (docs/console/sign-in.md): a browser that is
 * refused under /console — its Basic-auth prompt cancelled, a wrong password,
 * a retailer's or partner's credential, a viewer acting, too many failures —
 * reads a page saying what to do; the status and the Basic challenge stay.
 * Scripts and the APIs keep the ErrorDetail.
 *
 * Failed logins from 127.0.0.1 count towards the login throttle: this file
 * makes two before the last test, which makes the rest on purpose.
 */

/** What Chromium sends when the operator opens a page. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const CHALLENGE = 'Basic realm="qr"';
type Who = { id: string; password: string };

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** Text as a person reads it: tags dropped, entities decoded, white space collapsed. */
const textOf = (page: string): string =>
  page
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity])
    .replace(/\s+/g, ' ')
    .trim();

describe('signing in to the console from a browser', () => {
  let hub: TestApp;

  beforeAll(async () => {
    hub = await createTestApp();
  });
  afterAll(() => hub?.close());

  function get(path: string, accept: string | null, who?: Who) {
    const req = hub.raw().get(path);
    if (accept !== null) req.set('Accept', accept);
    if (who) req.auth(who.id, who.password);
    return req;
  }

  /** A refusal page: its status, the console's page headers, one h1, no script. */
  function expectPage(res: Response, status: number, h1: string): string {
    expect({ status: res.status, type: res.headers['content-type'] as string }).toEqual({
      status,
      type: 'text/html; charset=utf-8',
    });
    expect(res.headers).toMatchObject({
      'content-security-policy': expect.stringContaining("default-src 'none'"),
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
    });
    expect(res.text.match(/<h1[ >]/g)).toHaveLength(1);
    expect(res.text).toMatch(/<html lang="en">/);
    expect(res.text).not.toMatch(/<script/i);
    expect(textOf(res.text.match(/<h1>([\s\S]*?)<\/h1>/)?.[1] ?? '')).toBe(h1);
    return textOf(res.text);
  }

  describe('no credentials or wrong ones → 401 with the Basic challenge', () => {
    it('a browser gets the sign-in page, and the challenge that makes it prompt again', async () => {
      const res = await get('/console', BROWSER_ACCEPT);
      const text = expectPage(res, 401, 'Sign in to the operator console');
      expect(res.headers['www-authenticate']).toBe(CHALLENGE);
      expect(text).toContain('Sign in with your operator id and password');
      expect(text).toContain("The id is your institution id in the hub's config, with role operator");
      expect(text).toContain('Reload the page to see the sign-in window again');
      expect(text).toContain("Forgot your password? Ask the hub's administrator");
      // What src/auth/login-throttle.ts does: per address, 10 failures a minute; the id is not locked.
      expect(text).toContain(
        'after 10 failed sign-ins within 60 seconds from the same network address, the hub refuses further ' +
          'attempts from that address for up to 60 seconds',
      );
      expect(text).toContain('The id itself is not locked');
    });

    it('under /console too, and after a wrong password', async () => {
      const deeper = await hub.raw().post('/console/outbox/x/retry').set('Accept', BROWSER_ACCEPT);
      expectPage(deeper, 401, 'Sign in to the operator console');
      const wrong = await get('/console', BROWSER_ACCEPT, { id: OPERATOR.id, password: 'wrong' });
      expectPage(wrong, 401, 'Sign in to the operator console');
      expect(wrong.headers['www-authenticate']).toBe(CHALLENGE);
    });

    it.each([
      ['JSON', 'application/json'],
      ['anything (*/*)', '*/*'],
      ['JSON before HTML', 'application/json, text/html;q=0.5'],
      ['no Accept', null],
    ])('a caller that accepts %s on /console gets the ErrorDetail', async (_label, accept) => {
      const res = await get('/console', accept);
      expectErrorDetail(res, 401, 'GENERAL_ERROR');
      expect(res.headers['www-authenticate']).toBe(CHALLENGE);
    });

    it.each(['/admin/v1/outbox', '/admin/v1/transactions?q=x', '/qr/v1/qrCodes/x/image'])(
      'the APIs answer a browser with the ErrorDetail: %s',
      async (path) => {
        const res = await get(path, BROWSER_ACCEPT);
        expectErrorDetail(res, 401, 'GENERAL_ERROR');
        expect(res.headers['www-authenticate']).toBe(CHALLENGE);
      },
    );
  });

  describe('a credential that is not an operator’s → 403', () => {
    it.each([
      ['a retailer', RETAILER, 'Test Retailer', 'retailer'],
      ['a partner', WALLET, 'Wallet A', 'partner'],
    ])("%s is told it is not an operator's sign-in", async (_label, who, name, role) => {
      const res = await get('/console', BROWSER_ACCEPT, who);
      const text = expectPage(res, 403, "This sign-in is not an operator's");
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(text).toContain(`You are signed in as ${name} ( ${who.id} ), a ${role} credential`);
      expect(text).toContain('The console needs an id with role operator or viewer');
    });

    it('a script with the same credential gets the ErrorDetail', async () => {
      expectErrorDetail(await get('/console', 'application/json', RETAILER), 403, 'GENERAL_ERROR');
      expectErrorDetail(await get('/admin/v1/outbox', BROWSER_ACCEPT, RETAILER), 403, 'GENERAL_ERROR');
    });

    it('a viewer that tries to act is told it may only look', async () => {
      const res = await hub
        .raw()
        .post('/console/outbox/x/retry')
        .set('Accept', BROWSER_ACCEPT)
        .auth(VIEWER.id, VIEWER.password);
      const text = expectPage(res, 403, 'Your sign-in may only look');
      expect(text).toContain('Retrying or resolving an advice needs an id with role operator');
    });
  });

  it('an operator’s own refusals are not sign-in pages (a cross-site post stays an ErrorDetail)', async () => {
    const res = await hub
      .raw()
      .post('/console/outbox/x/retry')
      .set({ Accept: BROWSER_ACCEPT, Origin: 'https://elsewhere.example' })
      .auth(OPERATOR.id, OPERATOR.password);
    expectErrorDetail(res, 403, 'GENERAL_ERROR');
  });

  describe('in Chromium', () => {
    let browser: Browser;
    let context: BrowserContext | undefined;

    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterEach(async () => {
      await context?.close();
      context = undefined;
    });
    afterAll(() => browser?.close());

    it('with the prompt cancelled after a wrong password, the page says how to sign in; no accessibility problem', async () => {
      // Playwright answers the first prompt with these credentials and cancels the next one: what a
      // person who mistyped the password and then pressed Cancel sees (one failed login).
      context = await signedIn(browser, hub, { id: OPERATOR.id, password: 'mistyped' });
      const page = await context.newPage();
      const res = await page.goto('/console');
      expect(res?.status()).toBe(401);
      await expect(page.title()).resolves.toBe('Sign in · QR hub console');
      await expect(page.locator('h1').innerText()).resolves.toBe('Sign in to the operator console');
      const text = await page.locator('main[data-refusal="sign-in"]').innerText();
      expect(text).toContain('Sign in with your operator id and password');
      expect(text).toContain('Reload the page to see the sign-in window again');
      expect(await accessibilityProblems(page)).toEqual([]);
      await screenshot(page, 'sign-in');
    });

    it("signed in with a retailer credential, the page says it is not an operator's", async () => {
      context = await signedIn(browser, hub, RETAILER);
      const page = await context.newPage();
      const res = await page.goto('/console');
      expect(res?.status()).toBe(403);
      await expect(page.locator('h1').innerText()).resolves.toBe("This sign-in is not an operator's");
      expect(await accessibilityProblems(page)).toEqual([]);
    });

    it('signed in as the operator, the console is there as before', async () => {
      context = await signedIn(browser, hub, OPERATOR);
      const page = await context.newPage();
      const res = await page.goto('/console');
      expect(res?.status()).toBe(200);
      await expect(page.locator('main[data-refusal]').count()).resolves.toBe(0);
    });
  });

  // Last: it uses up the failed logins of 127.0.0.1.
  it('too many failed sign-ins from one address → 429 page with the wait, no challenge', async () => {
    // The file's failures so far, plus these: the throttle holds the address off at the tenth in the window.
    let status = 0;
    for (let i = 0; i < 10 && status !== 429; i++) {
      status = (await get('/console', 'application/json', { id: OPERATOR.id, password: `wrong-${i}` })).status;
    }
    expect(status).toBe(429);
    const res = await get('/console', BROWSER_ACCEPT, { id: OPERATOR.id, password: 'wrong-again' });
    const text = expectPage(res, 429, 'Too many failed sign-in attempts');
    expect(res.headers['www-authenticate']).toBeUndefined();
    const wait = Number(res.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(text).toContain(`Try again in ${wait} seconds: then reload the page to see the sign-in window.`);
  });
});
