import { STORED_PHASES, type StoredPhase } from '@app/lifecycle/payment-states';
import type { PaymentListItem, PaymentListPage } from '../admin-views';
import { DEFAULT_MINOR_UNITS, formQuery, type FormValues } from '../transactions/console-filter';
import { html, SafeHtml } from './html';
import { consoleLayout } from './layout';
import { noticeLine, PAGE_STYLE, type PageContext, timeTag } from './console-page';

/** The phases as the filter's choices read them. */
const PHASE_LABELS: Record<StoredPhase, string> = {
  WAITING_SCAN: "Waiting for the customer's scan",
  SENDING: 'With the partner',
  APPROVED: 'Approved, awaiting confirmation',
  CONFIRMED: 'Approved and confirmed',
  REVERSED: 'Approved, then reversed',
  DECLINED: 'Declined',
  UNKNOWN: 'Outcome unknown (reversed)',
  NO_SCAN: 'Not scanned',
  CLOSED: 'Closed before the scan',
};

/** Everything the transactions list shows. */
export interface TransactionsPageModel {
  form: FormValues;
  /** Partners to choose from (the configured ones). */
  partners: string[];
  /** The page of payments, or null when the filter could not be read. */
  page: PaymentListPage | null;
  /** Why the filter could not be read (shown as an alert). */
  problem: string | null;
  /** Digits the amount fields are read with, and the chosen currency's code. */
  minorUnits: number;
  currencyCode: string | null;
}

/** The console's home: the filter form, one page of payments newest first, and Newer/Older links. */
export function renderTransactionsPage(ctx: PageContext, m: TransactionsPageModel): SafeHtml {
  const body = html`<h1>Transactions</h1>
    ${noticeLine(ctx.notice)} ${filterForm(m, ctx)}
    ${m.problem ? html`<p class="notice problem" role="alert" id="problem">${m.problem}</p>` : ''}
    ${m.page ? listSection(m.page, m.form, ctx) : ''}`;
  return consoleLayout(
    {
      title: 'Transactions',
      active: 'transactions',
      operator: ctx.operator,
      zoneLabel: ctx.time.label(ctx.now),
      style: PAGE_STYLE,
    },
    body,
  );
}

function filterForm(m: TransactionsPageModel, ctx: PageContext): SafeHtml {
  const f = m.form;
  const selected = (on: boolean): SafeHtml | string => (on ? new SafeHtml('selected') : '');
  const phases = STORED_PHASES.map(
    (p) => html`<option value="${p}" ${selected(f.phase === p)}>${PHASE_LABELS[p]}</option>`,
  );
  const partners = [...new Set([...m.partners, ...(f.partner ? [f.partner] : [])])].map(
    (p) => html`<option value="${p}" ${selected(f.partner === p)}>${p}</option>`,
  );
  const amountHint = m.currencyCode
    ? `In ${m.currencyCode} (${m.minorUnits} decimals), e.g. 12.50`
    : `No currency chosen: read with ${DEFAULT_MINOR_UNITS} decimals, e.g. 12.50`;
  const zone = ctx.time.zone;
  const text = (name: keyof FormValues, label: string, hint?: string): SafeHtml =>
    html`<div>
      <label for="f-${name}">${label}</label>
      <input
        type="text"
        id="f-${name}"
        name="${name}"
        value="${f[name]}"
        ${hint ? html`aria-describedby="f-${name}-hint"` : ''}
      />
      ${hint ? html`<span class="hint muted" id="f-${name}-hint">${hint}</span>` : ''}
    </div>`;
  const when = (name: 'from' | 'to', label: string): SafeHtml =>
    html`<div>
      <label for="f-${name}">${label}</label>
      <input type="datetime-local" id="f-${name}" name="${name}" value="${f[name]}" aria-describedby="f-time-hint" />
    </div>`;
  return html`<section id="filters" aria-labelledby="filters-h">
    <h2 id="filters-h">Find payments</h2>
    <form method="get" action="/console" class="filters" role="search" aria-label="Payments">
      <div class="wide">
        <label for="f-q">Search any id</label>
        <input type="search" id="f-q" name="q" value="${f.q}" maxlength="64" aria-describedby="f-q-hint" />
        <span class="hint muted" id="f-q-hint"
          >A tranId, payment id, upstream id, scan, advice, outbox or QR request id, or any message id.</span
        >
      </div>
      <div>
        <label for="f-phase">State</label>
        <select id="f-phase" name="phase">
          <option value="">Any state</option>
          ${phases}
        </select>
      </div>
      <div>
        <label for="f-partner">Partner</label>
        <select id="f-partner" name="partner">
          <option value="">Any partner</option>
          ${partners}
        </select>
      </div>
      ${text('retailer', 'Retailer')} ${text('terminal', 'Terminal')} ${text('currency', 'Currency', 'ZAR or 710')}
      ${text('amountFrom', 'Amount from', amountHint)} ${text('amountTo', 'Amount to', amountHint)}
      ${when('from', 'Time from')} ${when('to', 'Time to (before)')}
      <p class="hint muted wide" id="f-time-hint">Times are in ${zone}.</p>
      <div class="wide">
        <button type="submit" id="apply">Show payments</button>
        <a href="/console">Clear</a>
      </div>
    </form>
  </section>`;
}

function listSection(page: PaymentListPage, form: FormValues, ctx: PageContext): SafeHtml {
  const rows = page.items.map((p) => row(p, ctx));
  const link = (cursor: string | null, label: string, rel: string): SafeHtml | string =>
    cursor
      ? html`<a href="/console?${formQuery(form, { cursor })}" rel="${rel}" id="${rel === 'prev' ? 'newer' : 'older'}"
          >${label}</a
        >`
      : '';
  return html`<section id="payments" aria-labelledby="list-h">
    <h2 id="list-h">Payments, newest first</h2>
    <table id="payment-list">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Transaction</th>
          <th scope="col">State</th>
          <th scope="col" class="num">Amount</th>
          <th scope="col">Partner</th>
          <th scope="col">Retailer</th>
          <th scope="col">Terminal</th>
        </tr>
      </thead>
      <tbody>
        ${
          rows.length
            ? rows
            : html`<tr id="no-payments">
                <td colspan="7">No payments match.</td>
              </tr>`
        }
      </tbody>
    </table>
    <nav class="pager" aria-label="Pages">
      ${link(page.previous, '← Newer', 'prev')} ${link(page.next, 'Older →', 'next')}
    </nav>
  </section>`;
}

function row(p: PaymentListItem, ctx: PageContext): SafeHtml {
  return html`<tr data-payment-id="${p.paymentId}" data-phase="${p.phase}">
    <td>${timeTag(ctx.time, Date.parse(p.createdAt))}</td>
    <td><a class="id" href="/console/transactions/${encodeURIComponent(p.tranId)}">${p.tranId}</a></td>
    <td class="words tone-${p.words.tone}">${p.words.text}</td>
    <td class="num">${p.money.text}</td>
    <td>${p.partnerId ?? '—'}</td>
    <td>${p.retailerId}</td>
    <td>${p.terminalId ?? '—'}</td>
  </tr>`;
}
