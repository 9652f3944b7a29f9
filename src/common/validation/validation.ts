import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { ValidationError } from 'class-validator';
import { LEDGER_AMOUNT_MAP, ledgerAmountMapViolations } from '@app/common/dto/amounts.dto';
import { ARRAY_MAX } from '@app/common/dto/institution.dto';
import { FieldViolation } from '@app/errors/error-detail';
import { FormatError } from '@app/errors/hub-error';
import { cacheValidationMetadata } from './metadata-cache';

/** `ErrorDetail.errorMessage` of every validation failure (≤ 40 chars, docs/protocol.md §2). */
export const FORMAT_ERROR_MESSAGE = 'Message format error';
/** Longest string echoed back as an `invalidValue`. */
export const INVALID_VALUE_MAX = 100;
/**
 * Deepest JSON nesting accepted. Our messages are ~5 levels deep; a body of
 * 64 KiB of `[[[[…` would otherwise overflow the stack in class-transformer
 * and surface as a 500 instead of a FORMAT_ERROR.
 */
export const MAX_BODY_DEPTH = 32;
/**
 * Most violations listed in one `detailMessage`; one more entry then says how
 * many were left out. A 64 KiB body of empty array items once gave a 6.6 MB
 * answer of 42,001 violations.
 */
export const MAX_LISTED_VIOLATIONS = 50;
/** class-validator's name for `@ArrayMaxSize`. */
const ARRAY_MAX_SIZE = 'arrayMaxSize';

/** Fields whose rejected value must not be echoed (and so end up in logs) in full (docs/protocol.md §3). */
const SECRET_FIELDS: Record<string, (value: string) => string> = {
  partnerPaymentToken: () => '***',
  cardNumber: (value) => (value.length > 6 ? `${value.slice(0, 6)}…` : value),
};

/**
 * class-validator constraints that check a value's type. When one fails, the
 * property's other constraints (length, range, pattern, nested) fail only as
 * a consequence ("amount must not be less than 0" for "100") and are left out:
 * every property still gets reported, with the message that explains it.
 */
const TYPE_CONSTRAINTS = new Set(['isString', 'isInt', 'isNumber', 'isBoolean', 'isObject', 'isArray']);

function relevantConstraints(constraints: Record<string, string> | undefined): Array<[string, string]> {
  const failed = Object.entries(constraints ?? {});
  // Not an array at all: "each value must be an object" would only repeat it.
  const notArray = failed.filter(([name]) => name === 'isArray');
  if (notArray.length > 0) return notArray;
  const typeFailures = failed.filter(([name]) => TYPE_CONSTRAINTS.has(name));
  return typeFailures.length > 0 ? typeFailures : failed;
}

/** Keys that would reach an object's prototype when copied. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}

/**
 * What a violation echoes of the rejected value: scalars as they are, long
 * strings cut to 100 chars + "…", objects and arrays only by type name (so a
 * huge payload is never echoed back), secrets masked. `undefined` (a missing
 * field) becomes `null` so `invalidValue` is always present in the JSON.
 */
export function describeInvalidValue(value: unknown, field = ''): unknown {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'string') {
    const mask = SECRET_FIELDS[field.slice(field.lastIndexOf('.') + 1)];
    const shown = mask ? mask(value) : value;
    return shown.length > INVALID_VALUE_MAX ? `${shown.slice(0, INVALID_VALUE_MAX)}…` : shown;
  }
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return String(value);
  return value;
}

function violation(messageName: string, field: string, error: string, value: unknown): FieldViolation {
  return { messageProperty: messageName, field, error, invalidValue: describeInvalidValue(value, field) };
}

/** `a.b`, or `a[0]` when the parent is an array (class-validator names items by index). */
function childPath(parentPath: string, property: string, parentValue: unknown): string {
  if (parentPath === '') return property;
  const isIndex = Array.isArray(parentValue) || (parentValue === undefined && /^\d+$/.test(property));
  return isIndex ? `${parentPath}[${property}]` : `${parentPath}.${property}`;
}

/**
 * One `FieldViolation` per failed constraint (but see `TYPE_CONSTRAINTS`), depth first, with the field's
 * dotted path from the message root (`thirdPartyIdentifiers[0].institutionId`).
 * An `additionalAmounts` failure is expanded into one violation per bad entry
 * (`amounts.additionalAmounts.tip.currency`).
 */
export function flattenValidationErrors(errors: ValidationError[], messageName: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const walk = (list: ValidationError[], parentPath: string, parentValue: unknown): void => {
    for (const error of list) {
      const path = childPath(parentPath, error.property, parentValue);
      for (const [constraint, message] of relevantConstraints(error.constraints)) {
        const entries =
          constraint === LEDGER_AMOUNT_MAP && 'value' in error ? ledgerAmountMapViolations(error.value) : [];
        if (entries.length === 0) {
          violations.push(violation(messageName, path, message, error.value));
        }
        for (const entry of entries) {
          violations.push(
            violation(messageName, entry.path ? `${path}.${entry.path}` : path, entry.message, entry.value),
          );
        }
      }
      // An oversized array is one violation; what its items hold is beside the point.
      if (error.constraints?.[ARRAY_MAX_SIZE] !== undefined) continue;
      if (error.children && error.children.length > 0) walk(error.children, path, error.value);
    }
  };
  walk(errors, '', undefined);
  return violations;
}

/** The first {@link MAX_LISTED_VIOLATIONS} violations and, if there were more, one entry counting the rest. */
export function listedViolations(violations: FieldViolation[], messageName: string): FieldViolation[] {
  if (violations.length <= MAX_LISTED_VIOLATIONS) return violations;
  const more = violations.length - MAX_LISTED_VIOLATIONS;
  const rest: FieldViolation = {
    messageProperty: messageName,
    field: '',
    error: `${more} more violation${more === 1 ? '' : 's'} not listed`,
    invalidValue: null,
  };
  return [...violations.slice(0, MAX_LISTED_VIOLATIONS), rest];
}

/**
 * The request body as the DTOs should see it: JSON `null` properties dropped
 * (Jackson-based clients send `"rrn": null` for "absent"; dropping them keeps
 * optional fields either set or `undefined`, and a required field that is
 * null is reported as missing), prototype-reaching keys dropped, nesting
 * bounded, arrays cut after one item more than any message allows (every
 * DTO array is capped at `ARRAY_MAX`, so the cut array still fails that cap,
 * and at most one item past it is validated). Returns a copy; the raw body
 * is left as received.
 */
function normalizeBody(body: unknown, messageName: string): Record<string, unknown> {
  if (!isPlainObject(body)) {
    throw new FormatError(FORMAT_ERROR_MESSAGE, [
      violation(messageName, '', `${messageName} must be a JSON object`, body),
    ]);
  }
  // The path is kept as a stack and only turned into text for the error: this runs on every request.
  const stack: Array<string | number> = [];
  const pathText = () => stack.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
  const copy = (value: unknown, depth: number): unknown => {
    if (depth > MAX_BODY_DEPTH) {
      const error = `nesting deeper than ${MAX_BODY_DEPTH} levels`;
      throw new FormatError(FORMAT_ERROR_MESSAGE, [violation(messageName, pathText(), error, value)]);
    }
    if (Array.isArray(value)) {
      const kept = value.length > ARRAY_MAX ? value.slice(0, ARRAY_MAX + 1) : value;
      return kept.map((item, i) => {
        stack.push(i);
        const out = copy(item, depth + 1);
        stack.pop();
        return out;
      });
    }
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (item === null || UNSAFE_KEYS.has(key)) continue;
      stack.push(key);
      out[key] = copy(item, depth + 1);
      stack.pop();
    }
    return out;
  };
  return copy(body, 0) as Record<string, unknown>;
}

/** What the exception factory hands back to `transform` (see `MessageValidationPipe`). */
class ValidationFailure {
  constructor(readonly errors: ValidationError[]) {}
}

/**
 * Nest's `ValidationPipe` turned into the hub's message validator: every
 * violation of a body becomes one `FieldViolation` in a `FormatError`
 * (400 FORMAT_ERROR, docs/protocol.md §2), whose `messageProperty` is the message name
 * (the DTO class name without `Dto`: `PaymentRequestDto` → `PaymentRequest`).
 *
 * How the pipe learns the message name: `exceptionFactory` receives only the
 * errors, and one pipe instance serves all requests concurrently, so keeping
 * the name on `this` would race across the `await` inside `transform`. The
 * factory therefore just wraps the errors in a `ValidationFailure`, and this
 * `transform` override, which has `metadata.metatype` in scope, turns that
 * into the `FormatError`. No per-request state lives on the instance.
 */
export class MessageValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true, // unknown properties are ignored (docs/protocol.md §2) and never stored
      forbidNonWhitelisted: false,
      forbidUnknownValues: true,
      validationError: { target: false, value: true },
      stopAtFirstError: false,
      exceptionFactory: (errors: ValidationError[]) => new ValidationFailure(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const messageName = messageNameOf(metadata);
    // Nest would validate `null`/no body as `{}` and an array against a
    // stand-in; a message must be a JSON object, so say exactly that.
    const input = metadata.type === 'body' && this.toValidate(metadata) ? normalizeBody(value, messageName) : value;
    try {
      return await super.transform(input, metadata);
    } catch (error: unknown) {
      if (error instanceof ValidationFailure) {
        const violations = flattenValidationErrors(error.errors, messageName);
        throw new FormatError(FORMAT_ERROR_MESSAGE, listedViolations(violations, messageName));
      }
      throw error;
    }
  }
}

/** `PaymentRequestDto` → `PaymentRequest`. */
export function messageNameOf(metadata: ArgumentMetadata): string {
  const name = metadata.metatype?.name ?? '';
  return name.replace(/Dto$/, '') || 'Message';
}

/** The single global pipe (register once, e.g. as `APP_PIPE` or `app.useGlobalPipes`). */
export function createValidationPipe(): ValidationPipe {
  cacheValidationMetadata();
  return new MessageValidationPipe();
}
