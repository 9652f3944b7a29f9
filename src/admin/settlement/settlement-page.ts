import type { Principal } from '@app/auth/principal';
import { html, SafeHtml } from '../console/html';
import { consoleLayout } from '../console/layout';
import { money } from '../present/money';
import { ConsoleTime } from '../present/times';
import { SettlementReport, SettlementRow, Tally } from './settlement-views';

/** What the settlement page shows: the report, or the problem with the day asked for. */
export interface SettlementPageModel {
  operator: Principal;
  time: ConsoleTime;
  /** The day as the operator asked for it (shown back when it is not a date). */
  asked: string;
  report: SettlementReport | null;
  problem: string | null;
  /** The current business day (the link back from a bad day). */
  today: string;
}

const STYLE = `
.picker{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}
.picker form{display:flex;gap:8px;align-items:center;margin:0}
.interval{margin:8px 0 0}
table.settlement caption{text-align:left;padding:0 0 8px;color:#595f69}
table.settlement th[scope=col],table.settlement th[scope=colgroup]{white-space:nowrap}
table.settlement th[scope=colgroup]{text-align:center;border-left:1px solid #dde1e6}
table.settlement .gid{display:block;font-family:ui-monospace,monospace;font-size:12px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
table.settlement tfoot th,table.settlement tfoot td{font-weight:600}
table.settlement tfoot tr:first-child th,table.settlement tfoot tr:first-child td{border-top:2px solid #1f3a5f}
.download{font-weight:600}
.empty{margin:0}`;

const dayLink = (day: string) => `/console/settlement?day=${encodeURIComponent(day)}`;
const csvLink = (day: string) => `/console/settlement.csv?day=${encodeURIComponent(day)}`;

/** The settlement page (docs/console/settlement.md): a day picker, the interval, two tables and the CSV link. */
export function renderSettlementPage(m: SettlementPageModel): SafeHtml {
  const r = m.report;
  const body = html`<h1>Settlement${r ? html` — business day <span id="settlement-day">${r.day}</span>` : ''}</h1>
    <section aria-labelledby="pick-day">
      <h2 id="pick-day">Business day</h2>
      <div class="picker">
        <form method="get" action="/console/settlement" role="search" aria-label="Business day">
          <label for="day">Day</label>
          <input type="date" id="day" name="day" value="${r?.day ?? ''}" required />
          <button type="submit">Show</button>
        </form>
        ${
          r
            ? html`<a id="previous-day" href="${dayLink(r.previousDay)}" rel="prev"
                  >← Previous day (${r.previousDay})</a
                >
                <a id="next-day" href="${dayLink(r.nextDay)}" rel="next">Next day (${r.nextDay}) →</a>
                <a id="download-csv" class="download" href="${csvLink(r.day)}" download>Download CSV</a>`
            : html`<a id="current-day" href="${dayLink(m.today)}">Current business day (${m.today})</a>`
        }
      </div>
      ${r ? interval(m.time, r) : ''}
    </section>
    ${
      m.problem
        ? html`<p class="notice problem" role="alert" id="settlement-problem">
            ${m.problem}${m.asked ? html` (asked for “${m.asked}”)` : ''}
          </p>`
        : ''
    }
    ${r ? tables(r) : ''}`;
  return consoleLayout(
    {
      title: r ? `Settlement ${r.day}` : 'Settlement',
      active: 'settlement',
      operator: m.operator,
      zoneLabel: m.time.label(r ? Date.parse(r.to) : Date.now()),
      style: STYLE,
    },
    body,
  );
}

function interval(time: ConsoleTime, r: SettlementReport): SafeHtml {
  const from = Date.parse(r.from);
  const to = Date.parse(r.to);
  const local = (ms: number) => time.format(ms).slice(0, 16);
  return html`<p class="interval" id="settlement-interval">
    Covers <time datetime="${r.from}">${local(from)}</time> → <time datetime="${r.to}">${local(to)}</time> ${r.timeZone}
    <span class="muted">(cut-off ${r.cutoff}; the end is not included)</span>
  </p>`;
}

function tables(r: SettlementReport): SafeHtml {
  return html`${table('partners', 'Per partner', 'Partner', r.partners, r)}
  ${table('retailers', 'Per retailer', 'Retailer', r.retailers, r)}`;
}

/** The column groups after the group and currency columns: a heading over its sub-columns. */
const COLUMN_GROUPS: ReadonlyArray<[string, readonly string[]]> = [
  ['Approved', ['Count', 'Amount']],
  ['Confirmed', ['Count', 'Amount']],
  ['Reversed', ['Count', 'Amount']],
  ['Timeout reversals', ['Count', 'Requested']],
  ['Advices', ['Pending', 'Parked']],
];

function table(id: string, heading: string, groupLabel: string, rows: SettlementRow[], r: SettlementReport): SafeHtml {
  const headingId = `${id}-heading`;
  if (rows.length === 0) {
    return html`<section aria-labelledby="${headingId}">
      <h2 id="${headingId}">${heading}</h2>
      <p class="empty muted" id="${id}-empty">Nothing was approved or settled in this business day.</p>
    </section>`;
  }
  return html`<section aria-labelledby="${headingId}">
    <h2 id="${headingId}">${heading}</h2>
    <table class="settlement" id="${id}-table" data-grouping="${id}">
      <caption>
        ${heading}, business day ${r.day}, per currency. Approved by approval time; confirmed, reversed and timeout
        reversals by settlement time; advices of the payments settled in the day, as they stand now. The last rows are
        the totals of the day.
      </caption>
      <thead>
        <tr>
          <th scope="col" rowspan="2">${groupLabel}</th>
          <th scope="col" rowspan="2">Currency</th>
          ${COLUMN_GROUPS.map(([group, subs]) => html`<th scope="colgroup" colspan="${subs.length}">${group}</th>`)}
        </tr>
        <tr>
          ${COLUMN_GROUPS.map(([group, subs]) =>
            subs.map((sub) => html`<th scope="col" class="num"><span class="sr-only">${group} </span>${sub}</th>`),
          )}
        </tr>
      </thead>
      <tbody>
        ${rows.map((row) => rowHtml(row, html`<th scope="row">${groupName(row)}</th>`))}
      </tbody>
      <tfoot>
        ${r.total.map((row) => rowHtml(row, html`<th scope="row">Total</th>`))}
      </tfoot>
    </table>
  </section>`;
}

function groupName(row: SettlementRow): SafeHtml {
  return row.name && row.name !== row.group
    ? html`${row.name} <span class="gid muted">${row.group}</span>`
    : html`<span class="gid">${row.group}</span>`;
}

function rowHtml(row: SettlementRow, head: SafeHtml): SafeHtml {
  const amount = (t: Tally) =>
    html`<td class="num" data-minor="${t.amount}">${money(t.amount, row.currency).text}</td>`;
  const count = (n: number) => html`<td class="num">${n}</td>`;
  return html`<tr data-group="${row.group}" data-currency="${row.currencyCode}">
    ${head}
    <td>${row.currencyCode}</td>
    ${count(row.approved.count)} ${amount(row.approved)} ${count(row.confirmed.count)} ${amount(row.confirmed)}
    ${count(row.reversed.count)} ${amount(row.reversed)} ${count(row.timeoutReversals.count)}
    ${amount(row.timeoutReversals)} ${count(row.advicesPending)} ${count(row.advicesParked)}
  </tr>`;
}
