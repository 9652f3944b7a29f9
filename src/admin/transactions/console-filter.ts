import { number as currencyByNumber } from 'currency-codes';
import { FormatError } from '@app/errors/hub-error';
import type { ConsoleTime } from '../present/times';
import {
  checked,
  currencyParam,
  decodeCursor,
  LIST_LIMIT_DEFAULT,
  NO_FILTER,
  PaymentFilter,
  phasesParam,
  RawQuery,
  single,
} from './payment-query';

/** The console list's form fields, as typed (shown back in the form). */
export const FORM_FIELDS = [
  'q',
  'phase',
  'partner',
  'retailer',
  'terminal',
  'currency',
  'amountFrom',
  'amountTo',
  'from',
  'to',
] as const;
export type FormField = (typeof FORM_FIELDS)[number];
export type FormValues = Record<FormField, string>;

/** Digits after the decimal point when no currency is chosen (most currencies have 2). */
export const DEFAULT_MINOR_UNITS = 2;

/** What the console's filter form asked for: the values as typed, and the filter they make (or why not). */
export interface ConsoleFilter {
  form: FormValues;
  /** The cursor as given, kept for nothing but the page's own links. */
  filter: PaymentFilter;
  /** Digits the amount fields are read with. */
  minorUnits: number;
  /** The currency's alphabetic code when one is chosen and known. */
  currencyCode: string | null;
}

/**
 * Reads the console list's form (`GET /console`): the same filters as the
 * API, but as people type them — amounts in major units (`12.50`, read with
 * the chosen currency's minor units, or 2 when none is chosen) and times as
 * local wall-clock times in the console's zone (`datetime-local`). Throws a
 * FormatError naming the field on anything it cannot read.
 */
export function parseConsoleFilter(query: RawQuery, time: ConsoleTime): ConsoleFilter {
  const form = formValues(query);
  const currency = currencyParam(form.currency || null);
  const known = currency ? currencyByNumber(currency) : undefined;
  const minorUnits = known ? known.digits : DEFAULT_MINOR_UNITS;
  const cursorText = single(query, 'cursor');
  const cursor = cursorText === null ? null : decodeCursor(cursorText);
  if (cursorText !== null && !cursor) throw new FormatError('The page link is not one this list gave out');
  const id = (name: FormField, max: number): string | null => {
    const value = form[name] || null;
    if (value !== null && value.length > max) throw new FormatError(`${label(name)} is longer than ${max} characters`);
    return value;
  };
  const minAmount = majorAmount(form.amountFrom, minorUnits, 'amountFrom');
  const maxAmount = majorAmount(form.amountTo, minorUnits, 'amountTo');
  if (minAmount !== null && maxAmount !== null && minAmount > maxAmount) {
    throw new FormatError('Amount from is more than Amount to');
  }
  const from = localTime(form.from, time, 'from');
  const to = localTime(form.to, time, 'to');
  if (from !== null && to !== null && from >= to) throw new FormatError('Time from is not before Time to');
  const filter = checked({
    ...NO_FILTER,
    phases: phasesParam(form.phase || undefined),
    partner: id('partner', 256),
    retailer: id('retailer', 256),
    terminal: id('terminal', 64),
    currency,
    minAmount,
    maxAmount,
    from,
    to,
    q: id('q', 64),
    limit: LIST_LIMIT_DEFAULT,
    cursor,
  });
  return { form, filter, minorUnits, currencyCode: known?.code ?? null };
}

/** The form's values as typed (trimmed), each given at most once. */
export function formValues(query: RawQuery): FormValues {
  const out = {} as FormValues;
  for (const name of FORM_FIELDS) {
    const value = query[name];
    if (value !== undefined && typeof value !== 'string') throw new FormatError(`${label(name)} must be given once`);
    if (typeof value === 'string' && value.includes('\u0000'))
      throw new FormatError(`${label(name)} must not contain U+0000`);
    out[name] = typeof value === 'string' ? value.trim() : '';
  }
  return out;
}

const LABELS: Record<FormField, string> = {
  q: 'Search',
  phase: 'State',
  partner: 'Partner',
  retailer: 'Retailer',
  terminal: 'Terminal',
  currency: 'Currency',
  amountFrom: 'Amount from',
  amountTo: 'Amount to',
  from: 'Time from',
  to: 'Time to',
};

export function label(field: FormField): string {
  return LABELS[field];
}

/** `12.50` with 2 minor units → 1250; `12` → 1200; more decimals than the currency has is refused. */
export function majorAmount(text: string, minorUnits: number, field: FormField): number | null {
  if (!text) return null;
  const match = /^(\d{1,13})(?:[.,](\d+))?$/.exec(text);
  if (!match) throw new FormatError(`${label(field)} must be an amount like 12.50`);
  const decimals = match[2] ?? '';
  if (decimals.length > minorUnits) {
    throw new FormatError(`${label(field)} has more than ${minorUnits} decimal${minorUnits === 1 ? '' : 's'}`);
  }
  const minor = Number(match[1]) * 10 ** minorUnits + Number(decimals.padEnd(minorUnits, '0') || '0');
  if (!Number.isSafeInteger(minor)) throw new FormatError(`${label(field)} is too large`);
  return minor;
}

/** `2026-12-04T18:00` (what `datetime-local` sends), a wall-clock time in the console's zone → epoch ms. */
export function localTime(text: string, time: ConsoleTime, field: FormField): number | null {
  if (!text) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  const [y, mo, d, h, mi, s] = (match ?? []).slice(1).map((v) => Number(v ?? 0));
  const valid =
    match !== null &&
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= new Date(Date.UTC(y, mo, 0)).getUTCDate() &&
    h <= 23 &&
    mi <= 59 &&
    s <= 59;
  if (!valid) throw new FormatError(`${label(field)} must be a date and time like 2026-12-04T18:00`);
  return time.instant(`${match[1]}-${match[2]}-${match[3]}`, `${match[4]}:${match[5]}`) + s * 1000;
}

/** The form's values as a query string (empty ones left out), for links that keep the filters. */
export function formQuery(form: FormValues, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const name of FORM_FIELDS) if (form[name]) params.set(name, form[name]);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}
