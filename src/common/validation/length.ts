import { ValidateBy, ValidationOptions } from 'class-validator';

/*
 * String lengths counted in Unicode code points, as PostgreSQL counts
 * `varchar(n)` and JSON Schema counts `maxLength`. class-validator's own
 * MaxLength/Length leave variation selectors (U+FE0E/U+FE0F) uncounted, so a
 * value it accepts at its limit could still overflow its column. The
 * constraint names are class-validator's, so the generated OpenAPI schema
 * shows the same `minLength`/`maxLength`.
 */

/** Code points in `text` (a surrogate pair is one). */
export function codePointLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}

export function MaxLength(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxLength',
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && codePointLength(value) <= max,
        defaultMessage: (args) => `${args?.property ?? 'value'} must be shorter than or equal to ${max} characters`,
      },
    },
    options,
  );
}

export function Length(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isLength',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const length = codePointLength(value);
          return length >= min && length <= max;
        },
        defaultMessage: (args) => {
          const property = args?.property ?? 'value';
          const length = typeof args?.value === 'string' ? codePointLength(args.value) : 0;
          if (length < min) return `${property} must be longer than or equal to ${min} characters`;
          if (length > max) return `${property} must be shorter than or equal to ${max} characters`;
          return `${property} must be longer than or equal to ${min} and shorter than or equal to ${max} characters`;
        },
      },
    },
    options,
  );
}
