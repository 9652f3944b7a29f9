import type { Principal } from '@app/auth/principal';
import { html, SafeHtml } from '../console/html';
import { consoleLayout } from '../console/layout';
import type { ConsoleTime } from '../present/times';
import { barChart, BarChartSpec, CHART_STYLE, hasData } from './bar-chart';
import type { DashboardView, DashboardWindow } from './dashboard.service';

/** Seconds between the dashboard's reloads (a live view). */
export const DASHBOARD_REFRESH_SECONDS = 30;

const WINDOW_WORDS: Record<DashboardWindow, { link: string; span: string }> = {
  hour: { link: 'Last hour', span: 'the last hour' },
  day: { link: 'Last 24 hours', span: 'the last 24 hours' },
};

const COLOURS = {
  approved: '#1e6b34',
  declined: '#a4161a',
  unknown: '#7a5200',
  p50: '#4a7fc1',
  p99: '#1f3a5f',
};

const STYLE = `${CHART_STYLE}
.window-switch ul{list-style:none;margin:0 0 12px;padding:0;display:flex;gap:6px}
.window-switch a{display:inline-block;padding:4px 12px;border:1px solid #1f3a5f;border-radius:4px;text-decoration:none;color:#1f3a5f}
.window-switch a[aria-current=page]{background:#1f3a5f;color:#fff;font-weight:600}
.figures{display:flex;flex-wrap:wrap;gap:8px 28px;margin:0}
.figures div{min-width:120px}
.figures dt{font-size:12px;color:#595f69}
.figures dd{margin:0;font-size:22px;font-variant-numeric:tabular-nums}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:16px}
.grid2 section{margin-bottom:0}`;

export interface DashboardPageModel {
  operator: Principal;
  time: ConsoleTime;
  view: DashboardView;
  /** Whether the page reloads itself (unless `live=0`), every DASHBOARD_REFRESH_SECONDS. */
  live: boolean;
}

/** `/console/dashboard`: the window's figures as SVG bar charts with their tables (docs/console/dashboard.md). */
export function renderDashboardPage(m: DashboardPageModel): SafeHtml {
  const v = m.view;
  const span = WINDOW_WORDS[v.window].span;
  const body = html`<h1>Dashboard</h1>
    ${windowSwitch(v.window, m.live)}
    <p class="muted" id="window">
      Payments answered from <time>${m.time.format(v.from)}</time> to <time>${m.time.format(v.to)}</time>.
      ${liveSwitch(v.window, m.live)}
    </p>
    ${summary(v)}
    ${
      v.answered.total === 0
        ? html`<section id="no-payments"><p class="empty">No payments in ${span}</p></section>`
        : paymentCharts(v, span)
    }
    <section id="advices" aria-labelledby="advices-h">
      <h2 id="advices-h">Advices owed to partners</h2>
      ${barChart({
        id: 'chart-backlog',
        title: 'Advices waiting, per partner',
        rowHeader: 'Partner',
        layout: 'stacked',
        series: [
          { label: 'Pending', colour: COLOURS.unknown },
          { label: 'Parked', colour: COLOURS.declined },
        ],
        rows: v.outbox.map((o) => ({ label: o.partnerId, values: [o.pending, o.parked] })),
        emptyText: 'No advices waiting: every confirmation and reversal has been delivered or settled.',
      })}
      ${oldestPending(v)}
    </section>`;
  return consoleLayout(
    {
      title: 'Dashboard',
      active: 'dashboard',
      operator: m.operator,
      zoneLabel: m.time.label(v.to),
      ...(m.live && { refreshSeconds: DASHBOARD_REFRESH_SECONDS }),
      style: STYLE,
    },
    body,
  );
}

/** The page's own address for a window, live or not. */
export function dashboardHref(window: DashboardWindow, live: boolean): string {
  return `/console/dashboard?window=${window}${live ? '' : '&live=0'}`;
}

/**
 * The dashboard is live: it reloads every 30 seconds, and says so with a link
 * that stops it (WCAG 2.2.1: a page that reloads by itself restarts a screen
 * reader and loses the keyboard position, so the operator can turn it off).
 */
function liveSwitch(window: DashboardWindow, live: boolean): SafeHtml {
  return live
    ? html`<span id="live-state">The page reloads every ${DASHBOARD_REFRESH_SECONDS} seconds.</span>
        <a href="${dashboardHref(window, false)}" id="live-switch">Stop refreshing</a>`
    : html`<a href="${dashboardHref(window, true)}" id="live-switch"
        >Refresh every ${DASHBOARD_REFRESH_SECONDS} seconds</a
      >`;
}

function windowSwitch(active: DashboardWindow, live: boolean): SafeHtml {
  const links = (Object.keys(WINDOW_WORDS) as DashboardWindow[]).map(
    (w) =>
      html`<li>
        <a
          href="${dashboardHref(w, live)}"
          data-window="${w}"
          ${active === w ? new SafeHtml('aria-current="page"') : ''}
          >${WINDOW_WORDS[w].link}</a
        >
      </li>`,
  );
  return html`<nav class="window-switch" aria-label="Time window">
    <ul>
      ${links}
    </ul>
  </nav>`;
}

function summary(v: DashboardView): SafeHtml {
  const figure = (id: string, label: string, value: string | SafeHtml) =>
    html`<div>
      <dt>${label}</dt>
      <dd id="${id}">${value}</dd>
    </div>`;
  const late =
    v.lateAnswersDisagreeing > 0
      ? html`<a href="/console/reconciliation">${v.lateAnswersDisagreeing}</a>`
      : String(v.lateAnswersDisagreeing);
  return html`<section aria-labelledby="summary-h">
    <h2 id="summary-h">In ${WINDOW_WORDS[v.window].span}</h2>
    <dl class="figures" id="summary">
      ${figure('fig-answered', 'Payments answered', String(v.answered.total))}
      ${figure('fig-approved', 'Approved', String(v.answered.approved))}
      ${figure('fig-declined', 'Declined', String(v.answered.declined))}
      ${figure('fig-unknown', 'Unknown (reversed on timeout)', String(v.answered.unknown))}
      ${figure('fig-approval-rate', 'Approval rate', percent(v.answered.approvalRate))}
      ${figure('fig-late', 'Late answers that disagree (all time)', late)}
    </dl>
  </section>`;
}

function paymentCharts(v: DashboardView, span: string): SafeHtml {
  const charts: Array<{ heading: string; spec: BarChartSpec }> = [
    {
      heading: 'Payments per partner',
      spec: {
        id: 'chart-volume',
        title: 'Payments per partner, by outcome',
        rowHeader: 'Partner',
        layout: 'stacked',
        series: [
          { label: 'Approved', colour: COLOURS.approved },
          { label: 'Declined', colour: COLOURS.declined },
          { label: 'Unknown', colour: COLOURS.unknown },
        ],
        rows: v.partners.map((p) => ({ label: p.partnerId || '(none)', values: [p.approved, p.declined, p.unknown] })),
        emptyText: `No payments in ${span}`,
      },
    },
    {
      heading: 'Declines',
      spec: {
        id: 'chart-declines',
        title: 'Declines by errorType',
        rowHeader: 'errorType',
        layout: 'stacked',
        series: [{ label: 'Declined', colour: COLOURS.declined }],
        rows: v.declinesByErrorType.map((d) => ({ label: d.errorType, values: [d.count] })),
        emptyText: `No declines in ${span}`,
      },
    },
    {
      heading: 'Unknown outcomes',
      spec: {
        id: 'chart-unknown',
        title: 'Unknown outcomes (timeout reversals) by reason',
        rowHeader: 'Reason',
        layout: 'stacked',
        series: [{ label: 'Unknown', colour: COLOURS.unknown }],
        rows: v.unknownByReason.map((u) => ({ label: u.reason, values: [u.count] })),
        emptyText: `No unknown outcomes in ${span}`,
      },
    },
    {
      heading: 'Partner time',
      spec: {
        id: 'chart-latency-partner',
        title: 'Partner time per partner (p50, p99)',
        rowHeader: 'Partner',
        layout: 'grouped',
        unit: 'ms',
        series: [
          { label: 'p50', colour: COLOURS.p50 },
          { label: 'p99', colour: COLOURS.p99 },
        ],
        rows: v.latency.map((l) => ({ label: l.partnerId, values: [l.partner.p50 ?? 0, l.partner.p99 ?? 0] })),
        emptyText: `No partner times in ${span}`,
      },
    },
    {
      heading: 'Hub-added time',
      spec: {
        id: 'chart-latency-hub',
        title: 'Hub-added time per partner (p50, p99)',
        rowHeader: 'Partner',
        layout: 'grouped',
        unit: 'ms',
        series: [
          { label: 'p50', colour: COLOURS.p50 },
          { label: 'p99', colour: COLOURS.p99 },
        ],
        rows: v.latency.map((l) => ({ label: l.partnerId, values: [l.hub.p50 ?? 0, l.hub.p99 ?? 0] })),
        emptyText: `No hub-added time above 0 ms in ${span}`,
      },
    },
  ];
  const sections = charts.map(
    (c) =>
      html`<section aria-labelledby="${c.spec.id}-h" data-has-data="${hasData(c.spec) ? 'true' : 'false'}">
        <h2 id="${c.spec.id}-h">${c.heading}</h2>
        ${barChart(c.spec)}
      </section>`,
  );
  return html`<div class="grid2">${sections}</div>`;
}

function oldestPending(v: DashboardView): SafeHtml {
  const rows = v.outbox.map(
    (o) =>
      html`<tr data-partner="${o.partnerId}">
        <th scope="row">${o.partnerId}</th>
        <td class="num">${o.pending}</td>
        <td class="num">${o.parked}</td>
        <td class="num">${o.pending > 0 ? `${o.oldestPendingSeconds} s` : '—'}</td>
      </tr>`,
  );
  return html`<table id="outbox-figures">
    <caption class="muted">
      Queue per partner, with the age of its oldest pending advice
    </caption>
    <thead>
      <tr>
        <th scope="col">Partner</th>
        <th scope="col" class="num">Pending</th>
        <th scope="col" class="num">Parked</th>
        <th scope="col" class="num">Oldest pending</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

/** 0.6667 → `66.7 %`; none → `—`. */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)} %`;
}
