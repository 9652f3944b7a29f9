import type { PartnerOutboxStats } from '@app/outbox/outbox-stats';
import type { Principal } from '@app/auth/principal';
import type { OldestRecord } from '@app/retention/retention-stats';
import type { OutboxEntryView, OutboxOverview, TransactionView } from '../admin-views';
import type { TimelineEvent } from '../timeline';
import { html, SafeHtml } from './html';

/** Outcome of an operator action, carried back to the page by the redirect (`?done=`). */
export type ConsoleNotice = 'retried' | 'resolved' | 'not-parked' | 'not-found';

/** Fixed texts: the URL names a notice, never its words, so a crafted link cannot put text on the page. */
const NOTICES: Record<ConsoleNotice, { text: string; ok: boolean }> = {
  retried: { text: 'Advice put back in the queue; it is being sent now.', ok: true },
  resolved: { text: 'Advice marked resolved; it will not be sent again.', ok: true },
  'not-parked': { text: 'That advice is not parked (any more); nothing was changed.', ok: false },
  'not-found': { text: 'That advice does not exist; nothing was changed.', ok: false },
};

export function isConsoleNotice(value: unknown): value is ConsoleNotice {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(NOTICES, value);
}

/** Everything one render of the console shows. */
export interface ConsolePageModel {
  operator: Principal;
  /** The search as typed (shown back in the box). */
  q: string;
  transaction: TransactionView | null;
  /** Why the search found nothing, when it did not. */
  searchProblem: string | null;
  notice: ConsoleNotice | null;
  outbox: OutboxOverview;
  /** The oldest record kept per kind (retention policy). */
  retention: OldestRecord[];
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:10px 20px;display:flex;justify-content:space-between;align-items:center}
header h1{font-size:18px;margin:0}
main{padding:16px 20px;max-width:1400px}
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
input[type=search]{width:420px;padding:5px}
button{padding:4px 10px;cursor:pointer}
.muted{color:#667}`;

/** The console page: one server-rendered document, no script, nothing fetched from elsewhere. */
export function renderConsolePage(m: ConsolePageModel): SafeHtml {
  const notice = m.notice ? NOTICES[m.notice] : null;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${m.transaction ? `${m.transaction.tranId} · ` : ''}QR hub console</title>
        <style>
          ${new SafeHtml(STYLE)}
        </style>
      </head>
      <body>
        <header>
          <h1>QR hub · operator console</h1>
          <span>Signed in as ${m.operator.name} (${m.operator.id})</span>
        </header>
        <main>
          ${notice ? html`<p class="notice ${notice.ok ? 'ok' : 'problem'}" role="status">${notice.text}</p>` : ''}
          <section id="search">
            <form method="get" action="/console" role="search">
              <label for="q">tranId or message id</label>
              <input type="search" id="q" name="q" value="${m.q}" maxlength="64" autofocus />
              <button type="submit">Search</button>
            </form>
          </section>
          ${m.searchProblem ? html`<p class="notice problem" role="alert" id="search-problem">${m.searchProblem}</p>` : ''}
          ${m.transaction ? transactionSection(m.transaction) : ''} ${outboxSection(m.outbox.partners)}
          ${parkedSection(m.outbox.parked, m.q)} ${retentionSection(m.retention)}
        </main>
      </body>
    </html> `;
}

function transactionSection(t: TransactionView): SafeHtml {
  const payments = t.payments.map(
    (p) =>
      html`<li>
        payment <span class="id">${p.id}</span>:
        <span class="status">${p.state}</span>${p.settlement === 'NONE' ? '' : ` / ${p.settlement}`}, amount ${p.amount}
        (currency ${p.currency})${p.partnerId ? `, partner ${p.partnerId}` : ''}
      </li>`,
  );
  return html`<section id="transaction">
    <h2>Transaction <span class="id">${t.tranId}</span> <span class="muted">(matched by ${t.matchedBy})</span></h2>
    ${
      payments.length
        ? html`<ul>
            ${payments}
          </ul>`
        : html`<p class="muted">No payment against this code.</p>`
    }
    <table id="timeline">
      <thead>
        <tr>
          <th>Time</th>
          <th>Event</th>
          <th>Detail</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        ${t.events.map(timelineRow)}
      </tbody>
    </table>
  </section>`;
}

function timelineRow(e: TimelineEvent): SafeHtml {
  return html`<tr data-kind="${e.kind}">
    <td><time datetime="${e.time}">${e.time.replace('T', ' ').replace('Z', '')}</time></td>
    <td>${e.title}</td>
    <td class="id">${e.detail}</td>
    <td class="status">${e.status}</td>
  </tr> `;
}

function outboxSection(partners: PartnerOutboxStats[]): SafeHtml {
  const rows = partners.map(
    (p) =>
      html`<tr data-partner="${p.partnerId}">
        <td>${p.partnerId}</td>
        <td class="num">${p.pending}</td>
        <td class="num">${p.parked}</td>
        <td class="num">${age(p.oldestPendingMs)}</td>
      </tr> `,
  );
  return html`<section id="outbox">
    <h2>Outbox per partner</h2>
    <table>
      <thead>
        <tr>
          <th>Partner</th>
          <th class="num">Pending</th>
          <th class="num">Parked</th>
          <th class="num">Oldest pending</th>
        </tr>
      </thead>
      <tbody>
        ${
          rows.length
            ? rows
            : html`<tr>
                <td colspan="4" class="muted">No partners configured.</td>
              </tr>`
        }
      </tbody>
    </table>
  </section>`;
}

function parkedSection(parked: OutboxEntryView[], q: string): SafeHtml {
  // Actions carry everything in the URL, so the form has no body to parse; `q` brings the operator back to the same view.
  const back = q ? `?q=${encodeURIComponent(q)}` : '';
  const rows = parked.map((e) => {
    const action = (verb: string): string => `/console/outbox/${encodeURIComponent(e.id)}/${verb}${back}`;
    return html`<tr data-outbox-id="${e.id}">
      <td><a class="id" href="/console?q=${encodeURIComponent(e.id)}">${e.id}</a></td>
      <td><a class="id" href="/console?q=${encodeURIComponent(e.paymentId)}">${e.paymentId}</a></td>
      <td>${e.partnerId}</td>
      <td>${e.kind}</td>
      <td class="num">${e.attempts}</td>
      <td>${e.lastError ?? ''}</td>
      <td>${e.createdAt}</td>
      <td>
        <form class="inline" method="post" action="${action('retry')}"><button type="submit">Retry</button></form>
        <form class="inline" method="post" action="${action('resolve')}"><button type="submit">Resolve</button></form>
      </td>
    </tr> `;
  });
  return html`<section id="parked">
    <h2>Parked advices (${parked.length})</h2>
    <table>
      <thead>
        <tr>
          <th>Advice</th>
          <th>Payment</th>
          <th>Partner</th>
          <th>Kind</th>
          <th class="num">Attempts</th>
          <th>Last error</th>
          <th>Queued</th>
          <th>Action</th>
        </tr>
      </thead>
      <tbody>
        ${
          rows.length
            ? rows
            : html`<tr>
                <td colspan="8" class="muted">Nothing parked.</td>
              </tr>`
        }
      </tbody>
    </table>
  </section>`;
}

function retentionSection(kinds: OldestRecord[]): SafeHtml {
  const rows = kinds.map(
    (k) =>
      html`<tr data-kind="${k.kind}">
        <td>${k.kind}</td>
        <td class="num">${k.keptDays === null ? 'forever' : `${k.keptDays} d`}</td>
        <td>${k.oldest ?? '—'}</td>
        <td class="num">${age((k.oldestAgeSeconds ?? 0) * 1000)}</td>
      </tr> `,
  );
  return html`<section id="retention">
    <h2>Records kept</h2>
    <table>
      <thead>
        <tr>
          <th>Kind</th>
          <th class="num">Kept once final</th>
          <th>Oldest kept</th>
          <th class="num">Its age</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </section>`;
}

/** Age for people: "—" when nothing waits, else the largest sensible unit. */
export function age(ms: number): string {
  if (ms <= 0) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}
