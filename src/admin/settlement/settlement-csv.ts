import { CsvValue, toCsv } from './csv';
import { SettlementReport, SettlementRow, Tally } from './settlement-views';

/** The CSV's columns, in order (docs/console/settlement.md). */
export const SETTLEMENT_CSV_HEADER = [
  'business_day',
  'from',
  'to',
  'time_zone',
  'grouping',
  'group',
  'name',
  'currency',
  'currency_numeric',
  'approved_count',
  'approved_amount',
  'approved_minor',
  'confirmed_count',
  'confirmed_amount',
  'confirmed_minor',
  'reversed_count',
  'reversed_amount',
  'reversed_minor',
  'timeout_reversals_count',
  'timeout_reversals_amount',
  'timeout_reversals_minor',
  'advices_pending',
  'advices_parked',
] as const;

/** `settlement-2026-12-04.csv`. */
export const settlementCsvName = (day: string): string => `settlement-${day}.csv`;

/**
 * The report as CSV: one row per (grouping, group, currency) — partners, then
 * retailers, then the totals — with the day's interval as ISO instants on
 * every row. Amounts twice: decimal major units with the currency's digits
 * (`12.50`, text so no spreadsheet drops the zero) and integer minor units.
 */
export function settlementCsv(report: SettlementReport): string {
  const rows = [...report.partners, ...report.retailers, ...report.total].map((r) => csvRow(report, r));
  return toCsv(SETTLEMENT_CSV_HEADER, rows);
}

function csvRow(report: SettlementReport, r: SettlementRow): CsvValue[] {
  const tally = (t: Tally): CsvValue[] => [t.count, t.value, t.amount];
  return [
    report.day,
    report.from,
    report.to,
    report.timeZone,
    r.grouping,
    r.group,
    r.name,
    r.currencyCode,
    r.currency,
    ...tally(r.approved),
    ...tally(r.confirmed),
    ...tally(r.reversed),
    ...tally(r.timeoutReversals),
    r.advicesPending,
    r.advicesParked,
  ];
}

/** The headers of a CSV download: a file named after the day, never cached, never sniffed as something else. */
export function csvHeaders(day: string): Record<string, string> {
  return {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${settlementCsvName(day)}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
}
