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
