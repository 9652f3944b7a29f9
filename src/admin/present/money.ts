import { number as currencyByNumber } from 'currency-codes';

/** An amount in minor units as people read it. */
export interface Money {
  /** ISO 4217 alphabetic code (`ZAR`), or the numeric code as stored when the list does not know it. */
  code: string;
  /** Digits after the decimal point (2 for ZAR, 0 for JPY). */
  minorUnits: number;
  /** The amount in major units with its minor digits: `12.50`. */
  value: string;
  /** `ZAR 12.50`. */
  text: string;
}

/**
 * Formats `amount` minor units of the ISO 4217 numeric currency `currency`
 * (the protocol's `Amount.currency`, docs/protocol.md §4). Codes and minor
 * units come from the ISO 4217 list as the `currency-codes` package ships it;
 * a code that list does not know is shown as stored, with no decimals.
 */
export function money(amount: number, currency: string): Money {
  const known = currencyByNumber(currency);
  const code = known?.code ?? currency;
  const minorUnits = known?.digits ?? 0;
  const value = majorUnits(amount, minorUnits);
  return { code, minorUnits, value, text: `${code} ${value}` };
}

/** `1250` with 2 minor digits is `12.50`; integers only, so no floating-point rounding. */
function majorUnits(amount: number, digits: number): string {
  const sign = amount < 0 ? '-' : '';
  const units = String(Math.abs(Math.trunc(amount)));
  if (digits === 0) return sign + units;
  const padded = units.padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}
