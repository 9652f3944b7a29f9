import type { Principal } from '@app/auth/principal';
import { html, SafeHtml } from './html';
import { REFRESH_SCRIPT_PATH } from './page-headers';

/** The console's pages, in the order the navigation lists them. */
export const CONSOLE_PAGES = [
  { id: 'transactions', path: '/console', label: 'Transactions' },
  { id: 'dashboard', path: '/console/dashboard', label: 'Dashboard' },
  { id: 'settlement', path: '/console/settlement', label: 'Settlement' },
  { id: 'reconciliation', path: '/console/reconciliation', label: 'Late answers' },
  { id: 'advices', path: '/console/advices', label: 'Advices' },
] as const;
export type ConsolePageId = (typeof CONSOLE_PAGES)[number]['id'];

/** What every console page shows around its own content. */
export interface LayoutModel {
  /** The page's own title (before "· QR hub console"). */
  title: string;
  /** The navigation entry that is the current page (null: none, e.g. a timeline). */
  active: ConsolePageId | null;
  operator: Principal;
  /** The time zone every time on the page is in, with its offset. */
  zoneLabel: string;
  /**
   * Seconds after which the browser reloads the page (a live view, by the hub's own
   * script: send LIVE_PAGE_HEADERS with it); none when absent.
   */
  refreshSeconds?: number;
  /** CSS of the page's own, beside the shared style. */
  style?: string;
}

/**
 * The shared style. Colours keep a contrast of at least 4.5:1 against their
 * background (WCAG AA, checked by the browser tests' accessibility scan).
 */
export const BASE_STYLE = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:8px 20px;display:flex;flex-wrap:wrap;gap:8px 24px;justify-content:space-between;align-items:center}
header .brand{font-size:18px;margin:0;font-weight:600}
header a{color:#fff}
nav ul{list-style:none;margin:0;padding:0;display:flex;gap:4px;flex-wrap:wrap}
nav a{display:inline-block;padding:6px 10px;border-radius:4px;color:#fff;text-decoration:none}
nav a:hover,nav a:focus-visible{background:#2e5486;text-decoration:underline}
nav a[aria-current=page]{background:#fff;color:#1f3a5f;font-weight:600}
.who{font-size:13px}
main{padding:16px 20px;max-width:1400px}
h1{font-size:20px;margin:0 0 12px}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px 16px;margin-bottom:16px}
h2{font-size:16px;margin:0 0 10px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eceff3;vertical-align:top}
th{background:#f0f2f5;font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums}
time{white-space:nowrap}
code,.id{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.status{font-weight:600}
.notice{padding:8px 12px;border-radius:4px;margin-bottom:12px}
.ok{background:#e6f4ea;border:1px solid #a8d5b5}
.problem{background:#fdecea;border:1px solid #f5b7b1}
form.inline{display:inline;margin:0}
input,select,button{font:inherit}
input[type=search]{width:420px;max-width:100%;padding:5px}
button{padding:4px 10px;cursor:pointer}
a{color:#0b5cad}
:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
.muted{color:#595f69}
.tone-ok{color:#1e6b34}
.tone-pending{color:#7a5200}
.tone-attention{color:#a4161a}
.tone-ended{color:#454b54}
.skip{position:absolute;left:-9999px}
.skip:focus{left:8px;top:8px;background:#fff;color:#1f3a5f;padding:6px 10px;z-index:1}
footer{padding:0 20px 16px;font-size:12px}`;

/** One console page: shared header, navigation and style around `body`; no script, nothing from elsewhere. */
export function consoleLayout(m: LayoutModel, body: SafeHtml): SafeHtml {
  const nav = CONSOLE_PAGES.map(
    (p) =>
      html`<li>
        <a href="${p.path}" ${m.active === p.id ? new SafeHtml('aria-current="page"') : ''}>${p.label}</a>
      </li>`,
  );
  const readOnly = m.operator.role === 'viewer' ? ' · read-only' : '';
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${m.refreshSeconds ? html`<script src="${REFRESH_SCRIPT_PATH}" data-seconds="${m.refreshSeconds}" defer></script>` : ''}
        <title>${m.title} · QR hub console</title>
        <style>
          ${new SafeHtml(BASE_STYLE + (m.style ?? ''))}
        </style>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
          <p class="brand">QR hub · operator console</p>
          <nav aria-label="Console">
            <ul>
              ${nav}
            </ul>
          </nav>
          <span class="who">Signed in as ${m.operator.name} (${m.operator.id})${readOnly}</span>
        </header>
        <main id="main" tabindex="-1">${body}</main>
        <footer class="muted">Times in ${m.zoneLabel}</footer>
      </body>
    </html> `;
}
