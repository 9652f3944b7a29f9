import { FormatError } from '@app/errors/hub-error';
import { ConsoleTime } from '../present/times';
import { formQuery, majorAmount, parseConsoleFilter } from './console-filter';
import { encodeCursor } from './payment-query';

const joburg = new ConsoleTime('Africa/Johannesburg');

describe("console list's filter form", () => {
  it('amounts in major units are read with the currency’s minor units', () => {
    expect(majorAmount('12.50', 2, 'amountFrom')).toBe(1250);
    expect(majorAmount('12', 2, 'amountFrom')).toBe(1200);
    expect(majorAmount('12,5', 2, 'amountFrom')).toBe(1250);
    expect(majorAmount('1500', 0, 'amountTo')).toBe(1500);
    expect(majorAmount('1.234', 3, 'amountTo')).toBe(1234);
    expect(majorAmount('', 2, 'amountTo')).toBeNull();
    expect(() => majorAmount('12.505', 2, 'amountFrom')).toThrow('Amount from has more than 2 decimals');
    expect(() => majorAmount('12.5', 0, 'amountTo')).toThrow('Amount to has more than 0 decimals');
    expect(() => majorAmount('-3', 2, 'amountFrom')).toThrow(FormatError);
  });

  it('reads the form: currency by code, times as wall-clock times in the console zone', () => {
    const read = parseConsoleFilter(
      { currency: 'JPY', amountFrom: '1500', from: '2026-12-04T18:00', to: '2026-12-05T00:00', phase: 'DECLINED' },
      joburg,
    );
    expect(read.minorUnits).toBe(0);
    expect(read.currencyCode).toBe('JPY');
    expect(read.filter).toMatchObject({
      currency: '392',
      minAmount: 1500,
      from: Date.UTC(2026, 11, 4, 16),
      to: Date.UTC(2026, 11, 4, 22),
      phases: ['DECLINED'],
      limit: 50,
    });
    // No currency: two decimals.
    expect(parseConsoleFilter({ amountTo: '12.50' }, joburg)).toMatchObject({
      minorUnits: 2,
      currencyCode: null,
      filter: { maxAmount: 1250 },
    });
  });

  it('refuses what it cannot read, naming the field as the form labels it', () => {
    const message = (query: Record<string, unknown>): string => {
      try {
        parseConsoleFilter(query, joburg);
        return 'accepted';
      } catch (error) {
        return error instanceof FormatError ? error.message : 'other';
      }
    };
    expect(message({ from: '2026-02-30T10:00' })).toMatch(/^Time from/);
    expect(message({ to: 'yesterday' })).toMatch(/^Time to/);
    expect(message({ amountTo: '1e5' })).toMatch(/^Amount to/);
    expect(message({ currency: 'XXXX' })).toMatch(/^currency/);
    expect(message({ phase: 'PAID' })).toMatch(/^phase/);
    expect(message({ cursor: '!!' })).toMatch(/page link/);
    expect(message({ amountFrom: '5', amountTo: '4' })).toBe('Amount from is more than Amount to');
    expect(message({ from: '2026-12-04T18:00', to: '2026-12-04T18:00' })).toBe('Time from is not before Time to');
  });

  it('links keep the filters as typed, with the page cursor', () => {
    const read = parseConsoleFilter({ phase: 'APPROVED', retailer: 'shop 1', q: '' }, joburg);
    const cursor = encodeCursor({ createdAt: 1, id: 'p', newer: false });
    expect(formQuery(read.form, { cursor })).toBe(`phase=APPROVED&retailer=shop+1&cursor=${cursor}`);
  });
});
