import { money } from './money';

describe('money: ISO 4217 numeric currencies for people', () => {
  it('shows the code and the minor units the currency list gives', () => {
    expect(money(1250, '710')).toEqual({ code: 'ZAR', minorUnits: 2, value: '12.50', text: 'ZAR 12.50' });
    expect(money(5, '840').text).toBe('USD 0.05');
    expect(money(1250, '392').text).toBe('JPY 1250');
    expect(money(1250, '048').text).toBe('BHD 1.250');
  });

  it('keeps every digit of large amounts and signs (integers only, no floating point)', () => {
    expect(money(9_007_199_254_740_991, '710').value).toBe('90071992547409.91');
    expect(money(-1250, '710').value).toBe('-12.50');
    expect(money(0, '710').value).toBe('0.00');
  });

  it('shows a code the list does not know as stored, without inventing decimals', () => {
    expect(money(1250, '123')).toMatchObject({ code: '123', minorUnits: 0, text: '123 1250' });
  });
});
