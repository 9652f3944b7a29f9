import type { Request } from 'express';
import type { Principal } from '@app/auth/principal';
import { prefersHtml, RefusalPage } from '@app/auth/refusal-page';
import { DEFAULT_THROTTLE_LIMITS } from '@app/auth/login-throttle';
import type { HubError } from '@app/errors/hub-error';
import { html, SafeHtml } from './html';
import { BASE_STYLE } from './layout';
import { PAGE_HEADERS } from './page-headers';

/** The throttle's limits as the pages state them (CredentialsService runs with the defaults). */
const FAILURES = DEFAULT_THROTTLE_LIMITS.failuresPerAddress;
const WINDOW_SECONDS = DEFAULT_THROTTLE_LIMITS.windowMs / 1000;

const STYLE = `
main{max-width:760px}
main li{margin-bottom:8px}`;

/**
 * The console's refusals as a browser shows them (mounted on `/console` in
 * create-app.ts): a person whose Basic-auth prompt was cancelled, or whose id
 * and password were not accepted, reads how to sign in rather than an
 * `ErrorDetail`; a retailer's or partner's credential is told it is not an
 * operator's; a viewer whose action was refused, that it may only look. The status
 * and the `WWW-Authenticate` challenge stay, so the browser still prompts.
 * Scripts (JSON or no Accept) get the `ErrorDetail` as before.
 */
export function consoleRefusalPage(status: number, error: HubError, req: Request): RefusalPage | null {
  if (!prefersHtml(req)) return null;
  const who = (req as Request & { user?: Principal }).user;
  if (status === 401) return page('sign-in', 'Sign in', signIn());
  if (status === 429) return page('too-many-attempts', 'Too many attempts', tooMany(error));
  if (status === 403 && who && (who.role === 'retailer' || who.role === 'partner'))
    return page('not-an-operator', 'Not an operator', notAnOperator(who));
  // A viewer's refused action; a page a viewer may not even see is a route's roles to fix, not this page's.
  const acting = req.method !== 'GET' && req.method !== 'HEAD';
  if (status === 403 && who?.role === 'viewer' && acting) return page('read-only', 'Read-only', readOnly(who));
  return null;
}

function signIn(): SafeHtml {
  return html`<h1>Sign in to the operator console</h1>
    <p>
      The console asks for your sign-in in the browser's own sign-in window. This page shows when that window was
      cancelled, or when the id and password were not accepted.
    </p>
    <ul>
      <li>
        Sign in with your <strong>operator id and password</strong>. The id is your institution id in the hub's config,
        with role <code>operator</code> (look and act) or <code>viewer</code> (look only).
      </li>
      <li><strong>Reload the page</strong> to see the sign-in window again.</li>
      <li>
        Forgot your password? Ask the hub's administrator: passwords are set in the hub's config, and the console cannot
        reset them.
      </li>
      <li>
        Too many failed attempts: after ${FAILURES} failed sign-ins within ${WINDOW_SECONDS} seconds from the same
        network address, the hub refuses further attempts from that address for up to ${WINDOW_SECONDS} seconds. Wait,
        then reload. The id itself is not locked: failed attempts hold off the address they come from.
      </li>
    </ul>`;
}

function tooMany(error: HubError): SafeHtml {
  const seconds = error.extra.headers?.['Retry-After'];
  return html`<h1>Too many failed sign-in attempts</h1>
    <p>
      After ${FAILURES} failed sign-ins within ${WINDOW_SECONDS} seconds from the same network address, the hub refuses
      further attempts from that address for a while. ${seconds ? `Try again in ${seconds} seconds:` : 'Wait a little:'}
      then reload the page to see the sign-in window.
    </p>
    <p>The id itself is not locked. Forgot your password? Ask the hub's administrator.</p>`;
}

function notAnOperator(who: Principal): SafeHtml {
  return html`<h1>This sign-in is not an operator's</h1>
    <p>
      You are signed in as ${who.name} (<code>${who.id}</code>), a ${who.role} credential: it may use the hub's payment
      interface, not the console. The console needs an id with role <code>operator</code> or <code>viewer</code>.
    </p>
    <p>
      A browser keeps a sign-in until it is closed. To sign in with an operator id, close every window of the browser
      (or open a private window) and open the console again.
    </p>`;
}

function readOnly(who: Principal): SafeHtml {
  return html`<h1>Your sign-in may only look</h1>
    <p>
      You are signed in as ${who.name} (<code>${who.id}</code>) with role <code>viewer</code>: a viewer sees the console
      but cannot act on it. Retrying or resolving an advice needs an id with role <code>operator</code>.
    </p>
    <p><a href="/console">Back to the console</a></p>`;
}

/** A standalone page in the console's style: no navigation and no operator (nobody is signed in to show). */
function page(kind: string, title: string, body: SafeHtml): RefusalPage {
  const text = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · QR hub console</title>
        <style>
          ${new SafeHtml(BASE_STYLE + STYLE)}
        </style>
      </head>
      <body>
        <header>
          <p class="brand">QR hub · operator console</p>
        </header>
        <main id="main" data-refusal="${kind}">${body}</main>
      </body>
    </html> `;
  return { headers: PAGE_HEADERS, body: text.value };
}
