import type { ConsoleTime } from '../present/times';

/** One business day: its name (`2026-12-04`) and the half-open interval [fromMs, toMs) it covers. */
export interface BusinessDay {
  day: string;
  fromMs: number;
  toMs: number;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a calendar date `YYYY-MM-DD` that exists (no 2026-02-30), years 1970 to 9999. */
export function isCalendarDate(text: string): boolean {
  const m = DAY.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1970 || mo < 1 || mo > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** The calendar date `days` after (or before, when negative) `date`; dates carry no zone. */
export function addDays(date: string, days: number): string {
  const [y, mo, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, mo - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * Business day `day` under the cut-off `cutoff` (`HH:MM` in the console's zone,
 * docs/console/settlement.md). With a cut-off of 00:00 it is the calendar day:
 * [00:00 on `day`, 00:00 the day after). With any other cut-off a business day
 * ends at the cut-off on its own date and began at the cut-off the calendar day
 * before: [cut-off on `day` − 1, cut-off on `day`) — a sale at 19:00 after an
 * 18:00 cut-off belongs to the next day, as card acquirers count it.
 * Boundaries are local wall times turned into instants by `ConsoleTime.instant`,
 * so a day that spans a daylight-saving change is 23 or 25 hours long.
 */
export function businessDay(time: ConsoleTime, cutoff: string, day: string): BusinessDay {
  if (cutoff === '00:00') {
    return { day, fromMs: time.instant(day, '00:00'), toMs: time.instant(addDays(day, 1), '00:00') };
  }
  return { day, fromMs: time.instant(addDays(day, -1), cutoff), toMs: time.instant(day, cutoff) };
}

/** The business day the instant `epochMs` falls in. */
export function businessDayOf(time: ConsoleTime, cutoff: string, epochMs: number): BusinessDay {
  const date = time.date(epochMs);
  // The local date's own business day, or (at or after its cut-off) the next one.
  const own = businessDay(time, cutoff, date);
  if (epochMs >= own.toMs) return businessDay(time, cutoff, addDays(date, 1));
  if (epochMs < own.fromMs) return businessDay(time, cutoff, addDays(date, -1));
  return own;
}
