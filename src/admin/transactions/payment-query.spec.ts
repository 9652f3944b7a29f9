import fc from 'fast-check';
import { FormatError } from '@app/errors/hub-error';
import { decodeCursor, encodeCursor, parsePaymentQuery } from './payment-query';

const refused = (query: Record<string, unknown>): string => {
  try {
    parsePaymentQuery(query);
  } catch (error) {
    if (error instanceof FormatError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(query)}`);
};

describe('transaction list query (GET /admin/v1/payments)', () => {
  it('no parameters: every payment, 50 a page, from the newest', () => {
    expect(parsePaymentQuery({})).toMatchObject({ phases: [], limit: 50, cursor: null, q: null, currency: null });
  });

  it('reads every filter', () => {
    const f = parsePaymentQuery({
      phase: ['approved', 'DECLINED,UNKNOWN'],
      partner: 'sandbox',
      retailer: ' shop-1 ',
      terminal: 'T1',
      currency: 'zar',
      minAmount: '100',
      maxAmount: '2000',
      from: '2026-12-04T00:00:00+02:00',
      to: '2026-12-05T00:00Z',
      q: 'abc',
      limit: '200',
    });
    expect(f).toEqual({
      phases: ['APPROVED', 'DECLINED', 'UNKNOWN'],
      partner: 'sandbox',
      retailer: 'shop-1',
      terminal: 'T1',
      currency: '710',
      minAmount: 100,
      maxAmount: 2000,
      from: Date.UTC(2026, 11, 3, 22),
      to: Date.UTC(2026, 11, 5),
      q: 'abc',
      limit: 200,
      cursor: null,
    });
    expect(parsePaymentQuery({ currency: '710' }).currency).toBe('710');
  });

  it('refuses every bad value, naming the parameter', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ phase: 'PAID' }, 'phase'],
      [{ currency: 'XYZ' }, 'currency'],
      [{ currency: '001' }, 'currency'],
      [{ minAmount: '12.50' }, 'minAmount'],
      [{ maxAmount: '-1' }, 'maxAmount'],
      [{ minAmount: '5', maxAmount: '4' }, 'minAmount'],
      [{ from: '2026-12-04' }, 'from'],
      [{ to: '2026-12-04T18:00' }, 'to'],
      [{ from: '2026-12-05T00:00Z', to: '2026-12-04T00:00Z' }, 'from'],
      [{ limit: '0' }, 'limit'],
      [{ limit: '201' }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ cursor: 'not a cursor' }, 'cursor'],
      [{ cursor: Buffer.from('o.x.y').toString('base64url') }, 'cursor'],
      [{ partner: ['a', 'b'] }, 'partner'],
      [{ terminal: 'x'.repeat(65) }, 'terminal'],
      [{ q: 'a\u0000' }, 'q'],
    ];
    for (const [query, name] of cases) expect(refused(query)).toMatch(new RegExp(`^${name}\\b`));
  });

  it('a cursor reads back as it was written, whatever the id', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.stringMatching(/^[\x21-\x7e]{1,64}$/),
        fc.boolean(),
        (createdAt, id, newer) => {
          expect(decodeCursor(encodeCursor({ createdAt, id, newer }))).toEqual({ createdAt, id, newer });
        },
      ),
    );
    expect(decodeCursor('')).toBeNull();
    expect(decodeCursor('a+b/')).toBeNull();
  });
});
