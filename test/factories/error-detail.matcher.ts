import type { ErrorDetail } from '@qr-hub/protocol';
import type { Response } from 'supertest';

/**
 * The `ErrorDetail.errorType` enum exactly as the QR Payment Service Interface
 * 1.7.0 swagger lists it. Copied here rather than imported from `src/` so a
 * wrong enum in the hub cannot make its own tests pass.
 */
export const SWAGGER_ERROR_TYPES = [
  'DUPLICATE_RECORD',
  'FORMAT_ERROR',
  'FUNCTION_NOT_SUPPORTED',
  'GENERAL_ERROR',
  'INVALID_AMOUNT',
  'ROUTING_ERROR',
  'TRANSACTION_NOT_SUPPORTED',
  'UNABLE_TO_LOCATE_RECORD',
  'UPSTREAM_UNAVAILABLE',
  'ACCOUNT_ALREADY_SETTLED',
  'INVALID_MERCHANT',
  'DO_NOT_HONOR',
  'DECLINED_BY_PARTNER',
  'DECLINED_BY_ACQUIRER',
  'DECLINED_BY_ISSUER',
  'INSUFFICIENT_FUNDS',
  'INVALID_CARD_NUMBER',
  'CARD_EXPIRED',
  'INVALID_TRAN_ID',
  'PARTNER_UNKNOWN',
  'NO_SCAN_RECEIVED',
  'INVALID_ACCOUNT',
] as const;
export type SwaggerErrorType = (typeof SWAGGER_ERROR_TYPES)[number];

/** The swagger caps `ErrorDetail.errorMessage` at 40 characters (shown on a till). */
export const ERROR_MESSAGE_MAX = 40;

/** What a framework default error body has and an `ErrorDetail` must not (docs/protocol.md §2). */
const FRAMEWORK_KEYS = ['stack', 'statusCode', 'message', 'error'] as const;

/** A JavaScript stack trace: "Error: …" or an "    at fn (file:line:col)" frame. */
export const STACK_TRACE =
  /(?:^|[\s"])(?:[A-Z][A-Za-z]*)?Error: |(?:\n|\\n)\s+at |\bat \S+ \(.*:\d+:\d+\)|\bat .*\.[jt]s:\d+:\d+/;

/** A field violation of a validation failure (docs/protocol.md §2: one per violation). */
export interface FieldViolation {
  messageProperty: string;
  field: string;
  error: string;
  invalidValue: unknown;
}

/** The parsed `ErrorDetail` body: the protocol's one definition, with the swagger's error types. */
export type ErrorDetailBody = ErrorDetail<SwaggerErrorType>;

export function expectErrorDetail(res: Response, status: number, errorType: SwaggerErrorType): ErrorDetailBody {
  const context = `${res.status} ${res.text?.slice(0, 500)}`;
  expect({ status: res.status, context }).toEqual({ status, context });
  expect(res.headers['content-type']).toMatch(/^application\/json\b/);

  const body = res.body as Record<string, unknown>;
  expect(typeof body).toBe('object');
  expect(body).not.toBeNull();
  expect(Array.isArray(body)).toBe(false);

  expect(typeof body.id).toBe('string');
  expect((body.id as string).length).toBeGreaterThan(0);

  expect(SWAGGER_ERROR_TYPES).toContain(body.errorType);
  expect(body.errorType).toBe(errorType);

  expect(typeof body.errorMessage).toBe('string');
  expect((body.errorMessage as string).length).toBeLessThanOrEqual(ERROR_MESSAGE_MAX);

  for (const key of FRAMEWORK_KEYS) expect(body).not.toHaveProperty(key);
  for (const key of ['originalId', 'tranId', 'providerErrorCode', 'providerErrorMsg', 'providerRef']) {
    if (key in body) expect(typeof body[key]).toBe('string');
  }
  expect(res.text).not.toMatch(STACK_TRACE);

  return body as unknown as ErrorDetailBody;
}

/**
 * Asserts a `400 FORMAT_ERROR` validation failure whose `detailMessage` is an
 * array of `{messageProperty, field, error, invalidValue}` (docs/protocol.md §2) and
 * returns the violations.
 */
export function expectViolations(res: Response): FieldViolation[] {
  const body = expectErrorDetail(res, 400, 'FORMAT_ERROR');
  expect(Array.isArray(body.detailMessage)).toBe(true);
  const violations = body.detailMessage as FieldViolation[];
  expect(violations.length).toBeGreaterThan(0);
  for (const v of violations) {
    expect(Object.keys(v).sort()).toEqual(['error', 'field', 'invalidValue', 'messageProperty']);
    expect(typeof v.messageProperty).toBe('string');
    expect(v.messageProperty.length).toBeGreaterThan(0);
    expect(typeof v.field).toBe('string');
    expect(typeof v.error).toBe('string');
    expect(v.error.length).toBeGreaterThan(0);
  }
  return violations;
}

/** The `field` paths of a list of violations, sorted and without duplicates. */
export function violatedFields(violations: FieldViolation[]): string[] {
  return [...new Set(violations.map((v) => v.field))].sort();
}
