import type { PartnerOutboxStats } from '@app/outbox/outbox-stats';
import type { Principal } from '@app/auth/principal';
import type { OldestRecord } from '@app/retention/retention-stats';
import type { OutboxEntryView, OutboxOverview, PaymentSummary, TransactionView } from '../admin-views';
import type { ConsoleTime } from '../present/times';
import type { TimelineEvent } from '../timeline';
import { html, SafeHtml } from './html';
import { consoleLayout } from './layout';

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

/** What every console page knows: who looks, in which zone, and the notice an action left. */
export interface PageContext {
  operator: Principal;
  time: ConsoleTime;
  /** Now, for the zone's offset in the footer. */
  now: number;
  notice: ConsoleNotice | null;
  /** This page's own path and query: where an action on it returns to. */
  self: string;
}

/** Only an operator may act; a viewer sees the same page without the buttons. */
export const mayAct = (operator: Principal): boolean => operator.role === 'operator';

/**
 * Where a Retry or Resolve form returns to: the console page it was on, as a
 * relative path (`/console…`), with the outcome named by `done`. Anything
 * else (another host, `//evil`, a backslash, no path at all) falls back to
 * the advices page: a redirect never leaves the console.
 */
export function returnPath(back: unknown, notice: ConsoleNotice): string {
  const fallback = '/console/advices';
  const candidate = typeof back === 'string' && back.length <= 2000 ? back : fallback;
  const safe = /^\/console(?:[/?][^\\\s]*)?$/.test(candidate) && !candidate.startsWith('//') ? candidate : fallback;
  const url = new URL(safe, 'https://console.invalid');
  if (url.origin !== 'https://console.invalid' || !/^\/console(\/|$)/.test(url.pathname)) {
    return `${fallback}?done=${notice}`;
  }
  url.searchParams.set('done', notice);
  return `${url.pathname}${url.search}`;
}

/** The notice an action left, as a status line. */
export function noticeLine(notice: ConsoleNotice | null): SafeHtml | string {
  if (!notice) return '';
  const n = NOTICES[notice];
  return html`<p class="notice ${n.ok ? 'ok' : 'problem'}" role="status" id="notice">${n.text}</p>`;
}

/** A time in the console's zone, with the instant for machines. */
export function timeTag(time: ConsoleTime, epochMs: number): SafeHtml {
  return html`<time datetime="${new Date(epochMs).toISOString()}">${time.format(epochMs)}</time>`;
}

/** The Retry and Resolve buttons of a parked advice; the URL carries everything (no body to parse). */
function actions(e: OutboxEntryView, ctx: PageContext): SafeHtml | string {
  if (e.status !== 'PARKED' || !mayAct(ctx.operator)) return '';
  const back = `?back=${encodeURIComponent(ctx.self)}`;
  const action = (verb: string): string => `/console/outbox/${encodeURIComponent(e.id)}/${verb}${back}`;
  return html`<form class="inline" method="post" action="${action('retry')}">
      <button type="submit" aria-label="Retry advice ${e.id}">Retry</button>
    </form>
    <form class="inline" method="post" action="${action('resolve')}">
      <button type="submit" aria-label="Resolve advice ${e.id}">Resolve</button>
    </form>`;
}

const timelineLink = (id: string): string => `/console/transactions/${encodeURIComponent(id)}`;

/** The advices page: the outbox per partner, the parked advices, and the records kept. */
export interface AdvicesPageModel {
  outbox: OutboxOverview;
  /** The oldest record kept per kind (retention policy). */
  retention: OldestRecord[];
}

export function renderAdvicesPage(ctx: PageContext, m: AdvicesPageModel): SafeHtml {
  const body = html`<h1>Advices owed to partners</h1>
    ${noticeLine(ctx.notice)} ${outboxSection(m.outbox.partners)} ${parkedSection(m.outbox.parked, ctx)}
    ${retentionSection(m.retention, ctx.time)}`;
  return layout(ctx, 'Advices', 'advices', body);
}

/** The timeline page: one transaction's payments, its advices and every event, oldest first. */
export interface TimelinePageModel {
  /** The transaction, or null with `problem` saying why not. */
  transaction: TransactionView | null;
  problem: string | null;
}

export function renderTimelinePage(ctx: PageContext, m: TimelinePageModel): SafeHtml {
  const t = m.transaction;
  if (!t) {
    const body = html`<h1>Transaction</h1>
      <p class="notice problem" role="alert" id="problem">${m.problem ?? 'Nothing found.'}</p>
      <p><a href="/console">Back to the transactions</a></p>`;
    return layout(ctx, 'Transaction', null, body);
  }
  const body = html`<h1>Transaction <span class="id">${t.tranId}</span></h1>
    ${noticeLine(ctx.notice)}
    <p class="muted">Found by ${t.matchedBy}. <a href="/console">Back to the transactions</a></p>
    ${paymentsSection(t.payments, ctx.time)} ${transactionAdvices(t.outbox, ctx)} ${timelineSection(t.events, ctx.time)}`;
  return layout(ctx, `Transaction ${t.tranId}`, null, body);
}

function layout(ctx: PageContext, title: string, active: 'advices' | null, body: SafeHtml): SafeHtml {
  return consoleLayout(
    { title, active, operator: ctx.operator, zoneLabel: ctx.time.label(ctx.now), style: PAGE_STYLE },
    body,
  );
}

/** Styles of the list, timeline and advices pages beside the shared ones. */
export const PAGE_STYLE = `
.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:8px 16px;align-items:end}
.filters label{display:block;font-weight:600;margin-bottom:2px}
.filters input,.filters select{width:100%;padding:4px}
.filters .wide{grid-column:1/-1}
.filters .hint{font-size:12px;display:block}
.pager{display:flex;gap:16px;margin-top:10px}
.words{font-weight:600}`;

function paymentsSection(payments: PaymentSummary[], time: ConsoleTime): SafeHtml {
  const rows = payments.map(
    (p) =>
      html`<tr data-payment-id="${p.id}">
        <td>${timeTag(time, Date.parse(p.createdAt))}</td>
        <td class="id">${p.id}</td>
        <td class="words tone-${p.words.tone}">${p.words.text}</td>
        <td class="num">${p.money.text}</td>
        <td>${p.partnerId ?? '—'}</td>
      </tr>`,
  );
  return html`<section id="payments" aria-labelledby="payments-h">
    <h2 id="payments-h">Payments</h2>
    ${
      rows.length
        ? html`<table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Payment</th>
                <th scope="col">State</th>
                <th scope="col" class="num">Amount</th>
                <th scope="col">Partner</th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>`
        : html`<p class="muted">No payment against this code.</p>`
    }
  </section>`;
}

function transactionAdvices(entries: OutboxEntryView[], ctx: PageContext): SafeHtml {
  const rows = entries.map(
    (e) =>
      html`<tr data-outbox-id="${e.id}">
        <td class="id">${e.id}</td>
        <td>${e.kind}</td>
        <td>${e.partnerId}</td>
        <td class="status">${e.status}</td>
        <td class="num">${e.attempts}</td>
        <td>${e.lastError ?? ''}</td>
        <td>${actions(e, ctx)}</td>
      </tr>`,
  );
  return html`<section id="advices" aria-labelledby="advices-h">
    <h2 id="advices-h">Advices owed to the partner</h2>
    ${
      rows.length
        ? html`<table>
            <thead>
              <tr>
                <th scope="col">Advice</th>
                <th scope="col">Kind</th>
                <th scope="col">Partner</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">Attempts</th>
                <th scope="col">Last error</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>`
        : html`<p class="muted">None.</p>`
    }
  </section>`;
}

function timelineSection(events: TimelineEvent[], time: ConsoleTime): SafeHtml {
  return html`<section aria-labelledby="timeline-h">
    <h2 id="timeline-h">Timeline</h2>
    <table id="timeline">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Event</th>
          <th scope="col">Detail</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        ${events.map((e) => timelineRow(e, time))}
      </tbody>
    </table>
  </section>`;
}

function timelineRow(e: TimelineEvent, time: ConsoleTime): SafeHtml {
  return html`<tr data-kind="${e.kind}">
    <td>${timeTag(time, Date.parse(e.time))}</td>
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
  return html`<section id="outbox" aria-labelledby="outbox-h">
    <h2 id="outbox-h">Outbox per partner</h2>
    <table>
      <thead>
        <tr>
          <th scope="col">Partner</th>
          <th scope="col" class="num">Pending</th>
          <th scope="col" class="num">Parked</th>
          <th scope="col" class="num">Oldest pending</th>
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

function parkedSection(parked: OutboxEntryView[], ctx: PageContext): SafeHtml {
  const rows = parked.map(
    (e) =>
      html`<tr data-outbox-id="${e.id}">
        <td><a class="id" href="${timelineLink(e.id)}">${e.id}</a></td>
        <td><a class="id" href="${timelineLink(e.paymentId)}">${e.paymentId}</a></td>
        <td>${e.partnerId}</td>
        <td>${e.kind}</td>
        <td class="num">${e.attempts}</td>
        <td>${e.lastError ?? ''}</td>
        <td>${timeTag(ctx.time, Date.parse(e.createdAt))}</td>
        <td>${actions(e, ctx)}</td>
      </tr> `,
  );
  return html`<section id="parked" aria-labelledby="parked-h">
    <h2 id="parked-h">Parked advices (${parked.length})</h2>
    <table>
      <thead>
        <tr>
          <th scope="col">Advice</th>
          <th scope="col">Payment</th>
          <th scope="col">Partner</th>
          <th scope="col">Kind</th>
          <th scope="col" class="num">Attempts</th>
          <th scope="col">Last error</th>
          <th scope="col">Queued</th>
          <th scope="col">Action</th>
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

function retentionSection(kinds: OldestRecord[], time: ConsoleTime): SafeHtml {
  const rows = kinds.map(
    (k) =>
      html`<tr data-kind="${k.kind}">
        <td>${k.kind}</td>
        <td class="num">${k.keptDays === null ? 'forever' : `${k.keptDays} d`}</td>
        <td>${k.oldest ? timeTag(time, Date.parse(k.oldest)) : '—'}</td>
        <td class="num">${age((k.oldestAgeSeconds ?? 0) * 1000)}</td>
      </tr> `,
  );
  return html`<section id="retention" aria-labelledby="retention-h">
    <h2 id="retention-h">Records kept</h2>
    <table>
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col" class="num">Kept once final</th>
          <th scope="col">Oldest kept</th>
          <th scope="col" class="num">Its age</th>
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
