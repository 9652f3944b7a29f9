import { isRFC3339, ValidateBy, ValidationOptions } from 'class-validator';

/**
 * Longest date-time accepted. RFC 3339 needs 20–35 characters; the rest is
 * room for a long fraction of a second. `expiryDate` is kept as sent, in a
 * column of this size.
 */
export const DATE_TIME_MAX = 64;

/**
 * An RFC 3339 date-time (swagger `format: date-time`) that names a real
 * instant. class-validator's IsRFC3339 checks the shape only and accepts
 * 2024-02-30, which Date.parse silently turns into March 1st — an expiry the
 * retailer was never told about. RFC 3339 §5.7 requires the day to exist.
 * At most {@link DATE_TIME_MAX} characters.
 */
export function isDateTime(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > DATE_TIME_MAX || !isRFC3339(value)) return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && !Number.isNaN(Date.parse(value));
}

export function IsDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDateTime',
      validator: {
        validate: (value: unknown) => isDateTime(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an RFC 3339 date-time of a real date, at most ${DATE_TIME_MAX} characters`,
      },
    },
    options,
  );
}
