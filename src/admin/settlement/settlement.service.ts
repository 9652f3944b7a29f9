import { Injectable } from '@nestjs/common';
import { Clock } from '@app/clock/clock';
import { AppConfig } from '@app/config/app-config';
import { FormatError } from '@app/errors/hub-error';
import { money } from '../present/money';
import { ConsoleTime } from '../present/times';
import { addDays, BusinessDay, businessDay, businessDayOf, isCalendarDate } from './business-day';
import { SettlementCell, SettlementRepository } from './settlement.repository';
import { Grouping, SettlementReport, SettlementRow, Tally } from './settlement-views';

/** The group a payment without a partner (none chosen yet) is counted under. */
export const NO_PARTNER = 'none';

/**
 * The settlement report (docs/console/settlement.md): per partner, per
 * retailer and in total, per currency, what was approved, confirmed and
 * reversed in one business day, and the advices still owed for it.
 */
@Injectable()
export class SettlementService {
  constructor(
    private readonly repo: SettlementRepository,
    private readonly time: ConsoleTime,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** The business day `day` names (`YYYY-MM-DD`), or the current one when absent; a bad day is a FormatError. */
  day(day: unknown): BusinessDay {
    const cutoff = this.config.hub.console.businessDayCutoff;
    if (day === undefined || day === '') return businessDayOf(this.time, cutoff, this.clock.now());
    if (typeof day !== 'string' || !isCalendarDate(day)) {
      throw new FormatError('day must be a calendar date YYYY-MM-DD (e.g. 2026-12-04)');
    }
    return businessDay(this.time, cutoff, day);
  }

  async report(day: unknown): Promise<SettlementReport> {
    const d = this.day(day);
    const cells = await this.repo.cells(d.fromMs, d.toMs);
    const names = new Map(this.config.hub.institutions.map((i) => [i.id, i.name]));
    return {
      day: d.day,
      timeZone: this.time.zone,
      cutoff: this.config.hub.console.businessDayCutoff,
      from: new Date(d.fromMs).toISOString(),
      to: new Date(d.toMs).toISOString(),
      previousDay: addDays(d.day, -1),
      nextDay: addDays(d.day, 1),
      partners: rows('partner', cells, (c) => c.partnerId ?? NO_PARTNER, names),
      retailers: rows('retailer', cells, (c) => c.clientId, names),
      total: rows('total', cells, () => 'all', new Map()),
    };
  }
}

/** The cells summed per (group, currency), sorted by group then currency code. */
function rows(
  grouping: Grouping,
  cells: readonly SettlementCell[],
  groupOf: (c: SettlementCell) => string,
  names: ReadonlyMap<string, string>,
): SettlementRow[] {
  const sums = new Map<string, SettlementRow>();
  for (const c of cells) {
    const group = groupOf(c);
    const key = JSON.stringify([group, c.currency]);
    let row = sums.get(key);
    if (!row) {
      const m = money(0, c.currency);
      row = {
        grouping,
        group,
        name: names.get(group) ?? null,
        currency: c.currency,
        currencyCode: m.code,
        minorUnits: m.minorUnits,
        approved: tally(0, 0, c.currency),
        confirmed: tally(0, 0, c.currency),
        reversed: tally(0, 0, c.currency),
        timeoutReversals: tally(0, 0, c.currency),
        advicesPending: 0,
        advicesParked: 0,
      };
      sums.set(key, row);
    }
    row.approved = add(row.approved, c.approvedCount, c.approvedAmount, c.currency);
    row.confirmed = add(row.confirmed, c.confirmedCount, c.confirmedAmount, c.currency);
    row.reversed = add(row.reversed, c.reversedCount, c.reversedAmount, c.currency);
    row.timeoutReversals = add(row.timeoutReversals, c.timeoutCount, c.timeoutAmount, c.currency);
    row.advicesPending += c.advicesPending;
    row.advicesParked += c.advicesParked;
  }
  return [...sums.values()].sort(
    (a, b) => compare(a.group, b.group) || compare(a.currencyCode, b.currencyCode) || compare(a.currency, b.currency),
  );
}

function tally(count: number, amount: number, currency: string): Tally {
  return { count, amount, value: money(amount, currency).value };
}

function add(t: Tally, count: number, amount: number, currency: string): Tally {
  return tally(t.count + count, t.amount + amount, currency);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
