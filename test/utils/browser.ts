import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import axe from 'axe-core';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { OPERATOR } from '../factories/hub-config.factory';
import type { TestApp } from './create-test-app';

/**
 * The console's browser tests run Debian's Chromium (`chromium` package)
 * through playwright-core; nothing is downloaded.
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

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A browser profile signed in to the hub as `who` (what the operator types into the Basic prompt). */
export function signedIn(
  browser: Browser,
  hub: TestApp,
  who: { id: string; password: string } = OPERATOR,
): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: hub.baseUrl,
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
    httpCredentials: { username: who.id, password: who.password, origin: hub.baseUrl },
  });
}

/** One accessibility problem axe found, short enough for a failure message. */
export interface AxeProblem {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is now and
 * returns what it found. axe is evaluated through the DevTools protocol, so
 * the console's Content-Security-Policy (no script) stays as users get it.
 */
export async function accessibilityProblems(page: Page): Promise<AxeProblem[]> {
  await page.evaluate(axe.source);
  // The function runs in the page, where axe is now a global (this file is compiled without DOM types).
  const results = await page.evaluate(
    (tags) => (globalThis as unknown as { axe: typeof axe }).axe.run({ runOnly: { type: 'tag', values: tags } }),
    ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
  );
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact ?? null,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}

/**
 * Saves a screenshot of the page. With UPDATE_SCREENSHOTS=1 it replaces the
 * one under docs/screenshots/ that the README shows; otherwise it goes to the
 * temporary directory, so a test run leaves the checkout as it was.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir =
    process.env.UPDATE_SCREENSHOTS === '1'
      ? resolve(__dirname, '../../docs/screenshots')
      : join(tmpdir(), 'qr-hub-screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
