import { ValidationError } from 'class-validator';
import { PaymentRequestDto } from '@app/common/dto/payment-request.dto';
import { ScanNotificationDto } from '@app/common/dto/scan-notification.dto';
import { TenderDto } from '@app/common/dto/tender.dto';
import {
  createValidationPipe,
  describeInvalidValue,
  flattenValidationErrors,
  FORMAT_ERROR_MESSAGE,
  MAX_BODY_DEPTH,
  MAX_LISTED_VIOLATIONS,
  messageNameOf,
} from '@app/common/validation/validation';
import { ERROR_MESSAGE_MAX, FieldViolation } from '@app/errors/error-detail';
import { ErrorType } from '@app/errors/error-type';
import { httpStatusOf } from '@app/errors/http-status';
import { FormatError } from '@app/errors/hub-error';
import { ARRAY_MAX } from '@app/common/dto/institution.dto';
import { contractSchemas } from '@app/docs/contract-schemas';
import { aPaymentRequest, aScanNotification } from '../../../test/factories/messages.factory';

const TRAN_ID = 'f82d7f64feea4f2ab24da94aaf5c2941';
const pipe = createValidationPipe();

async function formatErrorOf(body: unknown, metatype: new () => object = PaymentRequestDto): Promise<FormatError> {
  const error = await pipe.transform(body, { type: 'body', metatype }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof FormatError)) throw new Error(`expected a FormatError, got ${String(error)}`);
  return error;
}

const violationsOf = async (body: unknown, metatype?: new () => object): Promise<FieldViolation[]> =>
  (await formatErrorOf(body, metatype)).extra.detailMessage as FieldViolation[];

describe('flattenValidationErrors', () => {
  const error = (
    property: string,
    value: unknown,
    constraints?: Record<string, string>,
    children: ValidationError[] = [],
  ) => Object.assign(new ValidationError(), { property, value, constraints, children });

  it('gives one violation per constraint with dotted paths and array indexes', () => {
    const errors = [
      error('id', 'abc', { isUuid: 'id must be a UUID' }),
      error('thirdPartyIdentifiers', [{}, {}], undefined, [
        error('1', {}, undefined, [
          error('institutionId', 'x'.repeat(300), { maxLength: 'too long', matches: 'bad pattern' }),
        ]),
      ]),
    ];
    const field = 'thirdPartyIdentifiers[1].institutionId';
    const shown = `${'x'.repeat(100)}…`;
    expect(flattenValidationErrors(errors, 'PaymentRequest')).toEqual([
      { messageProperty: 'PaymentRequest', field: 'id', error: 'id must be a UUID', invalidValue: 'abc' },
      { messageProperty: 'PaymentRequest', field, error: 'too long', invalidValue: shown },
      { messageProperty: 'PaymentRequest', field, error: 'bad pattern', invalidValue: shown },
    ]);
  });

  it('reports only the type check when a value has the wrong type', () => {
    const errors = [
      error('amount', '100', { max: 'too big', min: 'too small', isInt: 'amount must be an integer number' }),
      error('originator', 'x', { isObject: 'originator must be an object', nestedValidation: 'nested …' }),
    ];
    expect(flattenValidationErrors(errors, 'M').map((v) => v.error)).toEqual([
      'amount must be an integer number',
      'originator must be an object',
    ]);
  });

  it('uses index notation for numeric properties even when values were not kept', () => {
    const errors = [error('lines', undefined, undefined, [error('0', undefined, { x: 'bad' })])];
    expect(flattenValidationErrors(errors, 'M')[0].field).toBe('lines[0]');
  });
});

describe('describeInvalidValue', () => {
  it('truncates long strings to 100 chars plus an ellipsis', () => {
    const shown = describeInvalidValue('x'.repeat(5000)) as string;
    expect(shown).toHaveLength(101);
    expect(shown.endsWith('…')).toBe(true);
    expect(describeInvalidValue('x'.repeat(100))).toBe('x'.repeat(100));
  });

  it('replaces objects and arrays by their type name and keeps scalars', () => {
    expect(describeInvalidValue({ big: 'payload' })).toBe('object');
    expect(describeInvalidValue([1, 2, 3])).toBe('array');
    expect(describeInvalidValue(1.5)).toBe(1.5);
    expect(describeInvalidValue(false)).toBe(false);
    expect(describeInvalidValue(undefined)).toBeNull();
  });

  it('masks secrets', () => {
    expect(describeInvalidValue('tok', 'partnerPaymentToken')).toBe('***');
    expect(describeInvalidValue('4111111111111111X', 'tenders[0].cardNumber')).toBe('411111…');
  });
});

describe('MessageValidationPipe', () => {
  it('throws a FormatError (400 FORMAT_ERROR) named after the message, with a till-sized message', async () => {
    const error = await formatErrorOf(aPaymentRequest(TRAN_ID, { id: 'abc' }));
    expect(error.errorType).toBe(ErrorType.FORMAT_ERROR);
    expect(httpStatusOf(error)).toBe(400);
    expect(error.message).toBe(FORMAT_ERROR_MESSAGE);
    expect(error.message.length).toBeLessThanOrEqual(ERROR_MESSAGE_MAX);
    expect(error.extra.detailMessage).toEqual([
      { messageProperty: 'PaymentRequest', field: 'id', error: 'id must be a UUID', invalidValue: 'abc' },
    ]);
  });

  it('names the message after the DTO class without "Dto"', async () => {
    expect(messageNameOf({ type: 'body', metatype: ScanNotificationDto })).toBe('ScanNotification');
    const [first] = await violationsOf(aScanNotification(TRAN_ID, 'w', { time: 'later' }), ScanNotificationDto);
    expect(first.messageProperty).toBe('ScanNotification');
  });

  it('keeps message names apart for concurrent requests', async () => {
    const [a, b] = await Promise.all([
      violationsOf(aPaymentRequest(TRAN_ID, { id: 'abc' }), PaymentRequestDto),
      violationsOf(aScanNotification(TRAN_ID, 'w', { id: 'abc' }), ScanNotificationDto),
    ]);
    expect(a[0].messageProperty).toBe('PaymentRequest');
    expect(b[0].messageProperty).toBe('ScanNotification');
  });

  it.each([
    ['an array', [], 'array'],
    ['null', null, null],
    ['a string', 'hello', 'hello'],
    ['a number', 42, 42],
    ['no body', undefined, null],
  ])('rejects %s as the body with one violation on the root', async (_case, body, shown) => {
    expect(await violationsOf(body)).toEqual([
      {
        messageProperty: 'PaymentRequest',
        field: '',
        error: 'PaymentRequest must be a JSON object',
        invalidValue: shown,
      },
    ]);
  });

  it('truncates long invalid values and never echoes nested objects', async () => {
    const found = await violationsOf(
      aPaymentRequest(TRAN_ID, { stan: 's'.repeat(10_000), originator: 'o'.repeat(300) }),
    );
    const stan = found.find((v) => v.field === 'stan');
    expect(stan?.invalidValue).toBe(`${'s'.repeat(100)}…`);
    expect(found.filter((v) => v.field === 'originator').every((v) => (v.invalidValue as string).length === 101)).toBe(
      true,
    );
    const client = await violationsOf(aPaymentRequest(TRAN_ID, { client: [{ id: 'x'.repeat(1000) }] }));
    expect(client.find((v) => v.field === 'client')?.invalidValue).toBe('array');
  });

  it('masks a rejected card number beyond its first 6 digits', async () => {
    const found = await violationsOf(
      { tenderType: 'CARD', amount: { amount: 1, currency: '710' }, cardNumber: '4111111111111111111111' },
      TenderDto,
    );
    expect(found.find((v) => v.field === 'cardNumber')?.invalidValue).toBe('411111…');
  });

  it('treats JSON null as absent: optional fields pass, required ones are reported missing', async () => {
    const dto = (await pipe.transform(aPaymentRequest(TRAN_ID, { rrn: null, partner: null }), {
      type: 'body',
      metatype: PaymentRequestDto,
    })) as PaymentRequestDto;
    // ES2022 class fields exist on every instance; what matters is the value and the JSON.
    expect(dto.rrn).toBeUndefined();
    expect(dto.partner).toBeUndefined();
    expect(JSON.parse(JSON.stringify(dto))).not.toHaveProperty('rrn');
    const found = await violationsOf(aPaymentRequest(TRAN_ID, { id: null }));
    expect(found.map((v) => v.field)).toEqual(['id']);
  });

  it('still rejects null items inside arrays', async () => {
    const found = await violationsOf(aPaymentRequest(TRAN_ID, { thirdPartyIdentifiers: [null] }));
    expect(found.map((v) => v.field)).toContain('thirdPartyIdentifiers[0]');
  });

  it('rejects absurdly deep nesting with a FormatError rather than a stack overflow', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const found = await violationsOf(aPaymentRequest(TRAN_ID, { junk: deep }));
    expect(found).toHaveLength(1);
    expect(found[0].error).toBe(`nesting deeper than ${MAX_BODY_DEPTH} levels`);
    expect(found[0].field.startsWith('junk[0]')).toBe(true);
  });

  it('ignores prototype-polluting keys', async () => {
    const body = JSON.parse(JSON.stringify(aPaymentRequest(TRAN_ID)).replace('{', '{"__proto__":{"polluted":true},'));
    const dto = await pipe.transform(body, { type: 'body', metatype: PaymentRequestDto });
    expect(dto).toBeInstanceOf(PaymentRequestDto);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not mutate the body it was given', async () => {
    const body = aPaymentRequest(TRAN_ID, { extra: 1, rrn: null });
    await pipe.transform(body, { type: 'body', metatype: PaymentRequestDto });
    expect(body).toHaveProperty('extra', 1);
    expect(body).toHaveProperty('rrn', null);
  });

  it('reports an oversized array once and validates none of its items', async () => {
    const found = await violationsOf(aPaymentRequest(TRAN_ID, { thirdPartyIdentifiers: Array(1_000).fill({}) }));
    expect(found).toEqual([
      {
        messageProperty: 'PaymentRequest',
        field: 'thirdPartyIdentifiers',
        error: `thirdPartyIdentifiers must contain no more than ${ARRAY_MAX} elements`,
        invalidValue: 'array',
      },
    ]);
  });

  it(`lists the first ${MAX_LISTED_VIOLATIONS} violations, then one entry counting the rest`, async () => {
    const found = await violationsOf(aPaymentRequest(TRAN_ID, { thirdPartyIdentifiers: Array(ARRAY_MAX).fill({}) }));
    expect(found).toHaveLength(MAX_LISTED_VIOLATIONS + 1);
    expect(found[0].field).toBe('thirdPartyIdentifiers[0].institutionId');
    expect(found[MAX_LISTED_VIOLATIONS]).toEqual({
      messageProperty: 'PaymentRequest',
      field: '',
      error: `${2 * ARRAY_MAX - MAX_LISTED_VIOLATIONS} more violations not listed`,
      invalidValue: null,
    });
  });

  it(`caps every array of every message at ${ARRAY_MAX} items (the body normalisation relies on it)`, () => {
    const arrays = Object.entries(contractSchemas()).flatMap(([name, schema]) =>
      Object.entries(schema.properties ?? {})
        .filter(([, property]) => 'type' in property && property.type === 'array')
        .map(([key, property]) => [`${name}.${key}`, 'maxItems' in property ? property.maxItems : undefined]),
    );
    expect(arrays.length).toBeGreaterThan(5);
    // PaymentResponse.tenders is built by the hub and read from partners, never a request body.
    for (const [path, maxItems] of arrays.filter(([path]) => path !== 'PaymentResponse.tenders')) {
      expect({ path, maxItems }).toEqual({ path, maxItems: ARRAY_MAX });
    }
  });

  it('leaves parameters without a DTO alone', async () => {
    expect(await pipe.transform('abc', { type: 'param', metatype: String, data: 'tranId' })).toBe('abc');
    expect(await pipe.transform(['x'], { type: 'body', metatype: undefined })).toEqual(['x']);
  });
});
