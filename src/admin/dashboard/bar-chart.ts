import { html, SafeHtml } from '../console/html';

/** One kind of bar (a segment of a stacked bar, or one bar of a group), with its legend text and colour. */
export interface BarSeries {
  label: string;
  /** A fill with at least 3:1 contrast against white (WCAG 1.4.11), e.g. `#1e6b34`. */
  colour: string;
}

/** One row of the chart: its label and one value per series, in the series' order. */
export interface BarRow {
  label: string;
  values: readonly number[];
}

export interface BarChartSpec {
  /** The element id (also the prefix of the title's id); letters, digits and dashes. */
  id: string;
  /** What the chart shows, as its `<title>`, its table's caption and its accessible name. */
  title: string;
  series: readonly BarSeries[];
  rows: readonly BarRow[];
  /** Stacked: one bar per row, its segments added up; grouped: one thinner bar per series, side by side. */
  layout: 'stacked' | 'grouped';
  /** The unit after a value in the table and on the axis (e.g. `ms`); none for counts. */
  unit?: string;
  /** The header of the table's first column (e.g. `Partner`). */
  rowHeader: string;
  /** Shown instead of the chart when there is nothing to draw. */
  emptyText: string;
}

const WIDTH = 560;
const LABEL_WIDTH = 150;
const VALUE_GAP = 6;
const RIGHT_MARGIN = 70;
const BAR_AREA = WIDTH - LABEL_WIDTH - RIGHT_MARGIN;
const ROW_HEIGHT = 28;
const LEGEND_HEIGHT = 24;
const AXIS_HEIGHT = 22;

/**
 * The smallest "nice" number (1, 2 or 5 × a power of ten) at or above `max`:
 * the end of the value axis, so its ticks read as round figures. 1 for an
 * empty or all-zero chart.
 */
export function niceMax(max: number): number {
  if (!Number.isFinite(max) || max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) {
    const nice = step * power;
    // Tolerance for floating point: 0.3 / 0.1 is 2.9999999999999996.
    if (nice >= max - power * 1e-9) return Number(nice.toPrecision(12));
  }
  return 10 * power;
}

/** The length in SVG units of a bar for `value` on an axis from 0 to `max` drawn `width` long (never negative). */
export function barLength(value: number, max: number, width: number): number {
  if (!(max > 0) || !(value > 0)) return 0;
  return Math.round((Math.min(value, max) / max) * width * 10) / 10;
}

/** Whether the chart has anything to draw: at least one row with a value above zero. */
export function hasData(spec: Pick<BarChartSpec, 'rows'>): boolean {
  return spec.rows.some((r) => r.values.some((v) => v > 0));
}

/**
 * A horizontal bar chart as inline SVG, rendered on the server (the console
 * runs no script), with the same numbers in a table beside it: the SVG is one
 * image to a screen reader (`role="img"`, named by its `<title>`), the table
 * is what it reads, and what the tests read. Every label is escaped.
 */
export function barChart(spec: BarChartSpec): SafeHtml {
  if (!hasData(spec)) {
    return html`<figure class="chart" id="${spec.id}" data-empty="true">
      <figcaption>${spec.title}</figcaption>
      <p class="empty">${spec.emptyText}</p>
    </figure>`;
  }
  return html`<figure class="chart" id="${spec.id}">
    <figcaption>${spec.title}</figcaption>
    <div class="chart-body">${svgOf(spec)} ${tableOf(spec)}</div>
  </figure>`;
}

function svgOf(spec: BarChartSpec): SafeHtml {
  const totals = spec.rows.map((r) => (spec.layout === 'stacked' ? sum(r.values) : Math.max(0, ...r.values)));
  const max = niceMax(Math.max(0, ...totals));
  const groupBars = spec.layout === 'grouped' ? spec.series.length : 1;
  const barHeight = Math.max(6, Math.floor((ROW_HEIGHT - 8) / groupBars));
  const top = LEGEND_HEIGHT;
  const height = top + spec.rows.length * ROW_HEIGHT + AXIS_HEIGHT;
  const unit = spec.unit ? ` ${spec.unit}` : '';
  const titleId = `${spec.id}-title`;

  const legend = spec.series.map((s, i) => {
    const x = LABEL_WIDTH + i * 120;
    return html`<rect x="${x}" y="4" width="12" height="12" fill="${s.colour}" />
      <text x="${x + 16}" y="14" class="legend">${s.label}</text>`;
  });

  const rows = spec.rows.map((row, i) => {
    const y = top + i * ROW_HEIGHT;
    const bars: SafeHtml[] = [];
    if (spec.layout === 'stacked') {
      let x = LABEL_WIDTH;
      row.values.forEach((v, s) => {
        const w = barLength(v, max, BAR_AREA);
        if (w > 0)
          bars.push(
            html`<rect x="${x}" y="${y + 4}" width="${w}" height="${barHeight}" fill="${spec.series[s].colour}" />`,
          );
        x += w;
      });
      bars.push(html`<text x="${x + VALUE_GAP}" y="${y + 4 + barHeight / 2 + 4}">${format(totals[i])}${unit}</text>`);
    } else {
      row.values.forEach((v, s) => {
        const w = barLength(v, max, BAR_AREA);
        const by = y + 4 + s * barHeight;
        bars.push(
          html`<rect
              x="${LABEL_WIDTH}"
              y="${by}"
              width="${w}"
              height="${barHeight - 1}"
              fill="${spec.series[s].colour}"
            />
            <text x="${LABEL_WIDTH + w + VALUE_GAP}" y="${by + barHeight / 2 + 3}" class="small"
              >${format(v)}${unit}</text
            >`,
        );
      });
    }
    return html`<g>
      <text x="${LABEL_WIDTH - 8}" y="${y + ROW_HEIGHT / 2 + 4}" text-anchor="end">${truncate(row.label, 20)}</text>
      ${bars}
    </g>`;
  });

  const axisY = top + spec.rows.length * ROW_HEIGHT;
  // A half-way tick only where it is a value the chart could show (no "0.5" on an axis of counts).
  const half = max / 2;
  const tickValues = spec.unit || Number.isInteger(half) ? [0, half, max] : [0, max];
  const ticks = tickValues.map((t) => {
    const x = LABEL_WIDTH + barLength(t, max, BAR_AREA);
    return html`<line x1="${x}" y1="${top}" x2="${x}" y2="${axisY}" class="grid" />
      <text x="${x}" y="${axisY + 15}" text-anchor="middle" class="small">${format(t)}</text>`;
  });

  return html`<svg
    role="img"
    aria-labelledby="${titleId}"
    viewBox="0 0 ${WIDTH} ${height}"
    width="${WIDTH}"
    height="${height}"
    xmlns="http://www.w3.org/2000/svg"
  >
    <title id="${titleId}">${spec.title}</title>
    ${legend} ${ticks} ${rows}
  </svg>`;
}

function tableOf(spec: BarChartSpec): SafeHtml {
  const unit = spec.unit ? ` (${spec.unit})` : '';
  const stackedTotal = spec.layout === 'stacked' && spec.series.length > 1;
  const head = spec.series.map((s) => html`<th scope="col" class="num">${s.label}${unit}</th>`);
  const body = spec.rows.map(
    (r) =>
      html`<tr data-row="${r.label}">
        <th scope="row">${r.label}</th>
        ${r.values.map((v) => html`<td class="num">${format(v)}</td>`)}
        ${stackedTotal ? html`<td class="num">${format(sum(r.values))}</td>` : ''}
      </tr>`,
  );
  return html`<table class="chart-data">
    <caption>
      ${spec.title}: the figures
    </caption>
    <thead>
      <tr>
        <th scope="col">${spec.rowHeader}</th>
        ${head} ${stackedTotal ? html`<th scope="col" class="num">Total</th>` : ''}
      </tr>
    </thead>
    <tbody>
      ${body}
    </tbody>
  </table>`;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** Whole numbers as they are; fractions to at most one decimal. */
function format(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The charts' CSS, added to the page's style. */
export const CHART_STYLE = `
.chart{margin:0}
.chart figcaption{font-weight:600;margin-bottom:6px}
.chart-body{display:flex;flex-wrap:wrap;gap:12px 24px;align-items:flex-start}
.chart svg{max-width:100%;height:auto;font:12px system-ui,sans-serif}
.chart svg text{fill:#1b1b1b}
.chart svg text.small{font-size:11px}
.chart svg line.grid{stroke:#c9ced6;stroke-width:1}
.chart-data{width:auto;min-width:260px;font-size:13px}
#outbox-figures{width:auto;min-width:420px;margin-top:12px}
#outbox-figures caption,.chart-data caption{text-align:left;font-size:12px;color:#595f69;padding-bottom:4px}
.empty{color:#595f69;font-style:italic;margin:4px 0}`;
