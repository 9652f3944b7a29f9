/** One CSV cell: text, an integer or decimal number, or empty. */
export type CsvValue = string | number | null;

/** Characters a spreadsheet may read as the start of a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Characters that oblige a field to be quoted (RFC 4180 §2.6). */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One field as RFC 4180 writes it. Text that a spreadsheet would take for a
 * formula (starting with = + - @, a tab or a carriage return) is prefixed with
 * `'`, so it shows as the text it is; numbers the report computed itself are
 * written as they are. A field holding a quote, comma or line break is quoted,
 * its quotes doubled.
 */
export function csvField(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A whole CSV document: a header row, then the rows, each line ended by CRLF
 * (RFC 4180 §2.1). Every row has the header's number of fields.
 */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  return [header, ...rows]
    .map((row) => {
      if (row.length !== header.length) throw new Error(`CSV row of ${row.length} fields, header has ${header.length}`);
      return `${row.map(csvField).join(',')}\r\n`;
    })
    .join('');
}
