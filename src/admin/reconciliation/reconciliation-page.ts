import type { Principal } from '@app/auth/principal';
import { html, SafeHtml } from '../console/html';
import { consoleLayout } from '../console/layout';
import type { ConsoleTime } from '../present/times';
import type { LateAnswerPage, LateAnswerView } from './reconciliation.service';

export interface ReconciliationPageModel {
  operator: Principal;
  time: ConsoleTime;
  page: LateAnswerPage;
  /** The query of this page (`limit`), kept on the link to the next. */
  limit: number;
  /** Whether this is a later page (a link back to the newest is shown). */
  paged: boolean;
}

const STYLE = `
.late td{font-size:13px}
.late .guidance{max-width:320px}
.late td.num{white-space:nowrap}
.pager{margin-top:10px}`;

/** `/console/reconciliation`: late partner answers that disagree with the retailer's outcome (docs/console/reconciliation.md). */
export function renderReconciliationPage(m: ReconciliationPageModel): SafeHtml {
  const { page } = m;
  const rows = page.items.map((r) => row(r, m.time));
  const next = page.next
    ? html`<a href="/console/reconciliation?after=${page.next}&amp;limit=${m.limit}" rel="next">Older late answers</a>`
    : '';
  const newest = m.paged ? html`<a href="/console/reconciliation">Newest late answers</a>` : '';
  const body = html`<h1>Late answers</h1>
    <p>
      Payments whose partner answered after the hub had given up, and whose answer disagrees with what the retailer was
      told: the partner approved a payment the retailer was told had failed (the hub reversed it on timeout), or
      declined one the retailer was told was approved. Each needs a check with the partner.
    </p>
    <section aria-labelledby="late-h">
      <h2 id="late-h">Late answers that disagree (<span id="late-count">${page.count}</span>)</h2>
      ${
        page.items.length === 0
          ? html`<p class="empty" id="no-late">No late answer disagrees with what the retailer was told.</p>`
          : html`<table class="late" id="late-answers">
              <thead>
                <tr>
                  <th scope="col">Late answer at</th>
                  <th scope="col">Transaction</th>
                  <th scope="col">Partner</th>
                  <th scope="col" class="num">Amount</th>
                  <th scope="col">The hub told the retailer</th>
                  <th scope="col">The partner said late</th>
                  <th scope="col">What the hub did</th>
                  <th scope="col">Check with the partner</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>`
      }
      <p class="pager">${newest} ${next}</p>
    </section>`;
  return consoleLayout(
    {
      title: 'Late answers',
      active: 'reconciliation',
      operator: m.operator,
      zoneLabel: m.time.label(Date.now()),
      style: STYLE,
    },
    body,
  );
}

function row(r: LateAnswerView, time: ConsoleTime): SafeHtml {
  return html`<tr data-payment-id="${r.paymentId}" data-tran-id="${r.tranId}">
    <td><time datetime="${new Date(r.receivedAt).toISOString()}">${time.format(r.receivedAt)}</time></td>
    <td><a class="id" href="/console/transactions/${encodeURIComponent(r.tranId)}">${r.tranId}</a></td>
    <td>${r.partnerId ?? '—'}</td>
    <td class="num">${r.amount.text}</td>
    <td class="tone-${r.retailerWasTold.tone}">${r.retailerWasTold.text}</td>
    <td>${r.partnerSaid.text}</td>
    <td>${r.hubAction}</td>
    <td class="guidance">${r.guidance}</td>
  </tr>`;
}
