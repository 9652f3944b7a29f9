/**
 * No script may run and nothing may be loaded from elsewhere (the page works
 * offline and an injected tag could do nothing); the page may not be framed,
 * so another site cannot trick a click on Retry; transaction data is not cached.
 * The referrer policy is `same-origin`, not `no-referrer`: with the latter the
 * browser sends `Origin: null` on the page's own form posts, which the CSRF
 * check must refuse.
 */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** Where the console's one script is served (see `CONSOLE_SCRIPT`). */
export const REFRESH_SCRIPT_PATH = '/console/assets/refresh.js';

/**
 * A live page (the dashboard) may run the hub's own reload script and nothing
 * else: scripts from this origin only, no inline script, nothing from elsewhere.
 */
export const LIVE_PAGE_HEADERS: Record<string, string> = {
  ...PAGE_HEADERS,
  'Content-Security-Policy': PAGE_HEADERS['Content-Security-Policy'].replace(
    "default-src 'none';",
    "default-src 'none'; script-src 'self';",
  ),
};

/**
 * The console's one script: a live page reloads itself after the seconds its
 * tag names. A script rather than `<meta http-equiv="refresh">`: the page says
 * how to stop it (WCAG 2.2.1), and automated checks (axe's meta-refresh) would
 * otherwise refuse any reloading page.
 */
export const CONSOLE_SCRIPT = `'use strict';
(function () {
  var tag = document.currentScript;
  var seconds = Number(tag && tag.getAttribute('data-seconds'));
  if (seconds > 0) setTimeout(function () { location.reload(); }, seconds * 1000);
})();
`;
