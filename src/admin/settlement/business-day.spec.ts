import { ConsoleTime } from '../present/times';
import { addDays, businessDay, businessDayOf, isCalendarDate } from './business-day';

const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

describe('business days', () => {
  describe('cut-off 00:00: the calendar day in the zone', () => {
    const time = new ConsoleTime('Africa/Johannesburg');

    it('is [00:00 D, 00:00 D+1) local time', () => {
      const d = businessDay(time, '00:00', '2026-12-04');
      expect([iso(d.fromMs), iso(d.toMs)]).toEqual(['2026-12-03T22:00:00.000Z', '2026-12-04T22:00:00.000Z']);
    });

    it('puts 23:59:59.999 in the day and midnight in the next', () => {
      const lastMs = Date.parse('2026-12-04T21:59:59.999Z');
      expect(businessDayOf(time, '00:00', lastMs).day).toBe('2026-12-04');
      expect(businessDayOf(time, '00:00', lastMs + 1).day).toBe('2026-12-05');
    });

    it('in UTC is the UTC date', () => {
      const utc = new ConsoleTime('UTC');
      const d = businessDay(utc, '00:00', '2026-12-31');
      expect([iso(d.fromMs), iso(d.toMs)]).toEqual(['2026-12-31T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    });
  });

  describe('cut-off 18:00: the day D ends at 18:00 on D and began at 18:00 on D−1', () => {
    const time = new ConsoleTime('Africa/Johannesburg');

    it('is [18:00 D−1, 18:00 D) local time', () => {
      const d = businessDay(time, '18:00', '2026-12-04');
      expect([iso(d.fromMs), iso(d.toMs)]).toEqual(['2026-12-03T16:00:00.000Z', '2026-12-04T16:00:00.000Z']);
    });

    it('a sale at 17:59:59 is on D, at 18:00:00 and 19:00 on D+1 (the acquiring rule)', () => {
      const cut = Date.parse('2026-12-04T16:00:00.000Z'); // 18:00 in Johannesburg
      expect(businessDayOf(time, '18:00', cut - 1000).day).toBe('2026-12-04');
      expect(businessDayOf(time, '18:00', cut).day).toBe('2026-12-05');
      expect(businessDayOf(time, '18:00', cut + HOUR).day).toBe('2026-12-05');
    });

    it('a sale just after local midnight is on that date', () => {
      expect(businessDayOf(time, '18:00', Date.parse('2026-12-03T22:00:01.000Z')).day).toBe('2026-12-04');
    });

    it('consecutive days meet: every instant is in exactly one day', () => {
      const a = businessDay(time, '18:00', '2026-12-03');
      const b = businessDay(time, '18:00', '2026-12-04');
      expect(a.toMs).toBe(b.fromMs);
      for (const ms of [b.fromMs - 1, b.fromMs, b.toMs - 1, b.toMs]) {
        const day = businessDayOf(time, '18:00', ms);
        expect(ms >= day.fromMs && ms < day.toMs).toBe(true);
      }
    });

    it('a cut-off ahead of UTC (early morning in a zone behind UTC) still gives the previous evening', () => {
      const ny = new ConsoleTime('America/New_York');
      const d = businessDay(ny, '02:30', '2026-12-04');
      expect([iso(d.fromMs), iso(d.toMs)]).toEqual(['2026-12-03T07:30:00.000Z', '2026-12-04T07:30:00.000Z']);
      expect(businessDayOf(ny, '02:30', Date.parse('2026-12-04T05:00:00.000Z')).day).toBe('2026-12-04');
    });
  });

  describe('a zone with daylight saving (Europe/London)', () => {
    const time = new ConsoleTime('Europe/London');

    it('the spring change day (2026-03-29, clocks 01:00 → 02:00) is 23 hours at midnight cut-off', () => {
      const d = businessDay(time, '00:00', '2026-03-29');
      expect([iso(d.fromMs), iso(d.toMs)]).toEqual(['2026-03-29T00:00:00.000Z', '2026-03-29T23:00:00.000Z']);
      expect(d.toMs - d.fromMs).toBe(23 * HOUR);
    });

    it('with an 18:00 cut-off the day crossing the spring change is 23 hours, the next 24', () => {
      const d = businessDay(time, '18:00', '2026-03-29');
      expect([iso(d.fromMs), iso(d.toMs)]).toEqual(['2026-03-28T18:00:00.000Z', '2026-03-29T17:00:00.000Z']);
      const next = businessDay(time, '18:00', '2026-03-30');
      expect(next.fromMs).toBe(d.toMs);
      expect(next.toMs - next.fromMs).toBe(24 * HOUR);
    });

    it('the autumn change day (2026-10-25, clocks 02:00 → 01:00) is 25 hours', () => {
      const d = businessDay(time, '00:00', '2026-10-25');
      expect([iso(d.fromMs), iso(d.toMs)]).toEqual(['2026-10-24T23:00:00.000Z', '2026-10-26T00:00:00.000Z']);
      expect(d.toMs - d.fromMs).toBe(25 * HOUR);
      const evening = businessDay(time, '18:00', '2026-10-25');
      expect(evening.toMs - evening.fromMs).toBe(25 * HOUR);
    });

    it('an instant in the repeated hour of the autumn change belongs to the change day', () => {
      const repeated = Date.parse('2026-10-25T01:30:00.000Z'); // 01:30 GMT, the second 01:30 local
      expect(businessDayOf(time, '00:00', repeated).day).toBe('2026-10-25');
      expect(businessDayOf(time, '18:00', repeated).day).toBe('2026-10-25');
    });
  });

  describe('dates', () => {
    it.each(['2026-12-04', '2028-02-29', '1970-01-01', '9999-12-31'])('%s is a date', (d) => {
      expect(isCalendarDate(d)).toBe(true);
    });

    it.each([
      '2026-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-12-32',
      '2026-12-4',
      '20261204',
      ' 2026-12-04',
      '1969-12-31',
      '',
    ])('%p is not', (d) => {
      expect(isCalendarDate(d)).toBe(false);
    });

    it('adds days across months and years', () => {
      expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
      expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
      expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    });
  });
});
