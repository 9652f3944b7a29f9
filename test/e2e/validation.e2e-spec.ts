import { randomUUID } from 'node:crypto';
import { expectErrorDetail, expectViolations, violatedFields } from '../factories/error-detail.matcher';
import { RETAILER, WALLET } from '../factories/hub-config.factory';
import {
  aCreateQrCodeRequest,
  aPaymentConfirmation,
  aPaymentRequest,
  aPaymentReversal,
  aScanNotification,
} from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';

/**
 * docs/protocol.md §2 message validation through the real app: every violation of the
 * swagger rules is a 400 FORMAT_ERROR whose `detailMessage` is an array of
 * `{messageProperty, field, error, invalidValue}`, one per violation, all of
 * them. Each case starts from a valid message and breaks exactly the listed
 * fields, so the reported fields must be exactly those.
 */

/** A tranId no QR code has: a pay or scan that passes validation fails fast on it. */
const TRAN_ID = 'd'.repeat(32);

type OperationName = 'createQrCode' | 'pay' | 'confirmPayment' | 'reversePayment' | 'notifyScan';
type Overrides = Record<string, unknown>;

const OPERATIONS: Record<
  OperationName,
  { path: string; auth: { id: string; password: string }; message: string; build: (o?: Overrides) => object }
> = {
  createQrCode: {
    path: '/qr/v1/qrCodes',
    auth: RETAILER,
    message: 'CreateQrCodeRequest',
    build: (o) => aCreateQrCodeRequest(o),
  },
  pay: {
    path: '/qr/v1/payments',
    auth: RETAILER,
    message: 'PaymentRequest',
    build: (o) => aPaymentRequest(TRAN_ID, o),
  },
  confirmPayment: {
    path: '/qr/v1/payments/confirmations',
    auth: RETAILER,
    message: 'PaymentConfirmation',
    build: (o) => aPaymentConfirmation(randomUUID(), o),
  },
  reversePayment: {
    path: '/qr/v1/payments/reversals',
    auth: RETAILER,
    message: 'PaymentReversal',
    build: (o) => aPaymentReversal(randomUUID(), o),
  },
  notifyScan: {
    path: '/qr/v1/scans',
    auth: WALLET,
    message: 'ScanNotification',
    build: (o) => aScanNotification(TRAN_ID, WALLET.id, o),
  },
};

/** One table row: [label, operation, overrides of a valid message, the fields that must be reported]. */
type Case = [string, OperationName, Overrides, string[]];

const tpi = (institutionId: unknown, transactionIdentifier: unknown) => ({ institutionId, transactionIdentifier });
const money = (amount: unknown, currency: unknown = '710') => ({ amount, currency });

describe('message validation (docs/protocol.md §2)', () => {
  let hub: TestApp;

  beforeAll(async () => {
    hub = await createTestApp();
  });
  afterAll(() => hub.close());

  async function send(operation: OperationName, body: unknown) {
    const { path, auth } = OPERATIONS[operation];
    return hub.post(path, body, auth);
  }

  /** Sends the broken message and checks the violations name exactly `fields`. */
  async function expectRejected(operation: OperationName, overrides: Overrides, fields: string[]) {
    const res = await send(operation, OPERATIONS[operation].build(overrides));
    const violations = expectViolations(res);
    expect(violatedFields(violations)).toEqual([...fields].sort());
    // Each case breaks one rule per field, so one violation per field (docs/protocol.md §2: one per violation).
    expect(violations).toHaveLength(fields.length);
    for (const v of violations) expect(v.messageProperty).toBe(OPERATIONS[operation].message);
    return violations;
  }

  const run = (cases: Case[]) =>
    it.each(cases)('%s (%s)', async (_label, operation, overrides, fields) => {
      await expectRejected(operation, overrides, fields);
    });

  describe('missing required fields', () => {
    run([
      ['no id', 'createQrCode', { id: undefined }, ['id']],
      ['no time', 'createQrCode', { time: undefined }, ['time']],
      ['no originator', 'createQrCode', { originator: undefined }, ['originator']],
      ['no client', 'createQrCode', { client: undefined }, ['client']],
      ['no qrProperties', 'createQrCode', { qrProperties: undefined }, ['qrProperties']],
      ['no client.id', 'createQrCode', { client: { id: undefined } }, ['client.id']],
      ['no client.name', 'createQrCode', { client: { name: undefined } }, ['client.name']],
      [
        'no originator.institution',
        'createQrCode',
        { originator: { institution: undefined } },
        ['originator.institution'],
      ],
      [
        'no originator.terminalId',
        'createQrCode',
        { originator: { terminalId: undefined } },
        ['originator.terminalId'],
      ],
      ['no originator.merchant', 'createQrCode', { originator: { merchant: undefined } }, ['originator.merchant']],
      [
        'no merchant.merchantType',
        'createQrCode',
        { originator: { merchant: { merchantType: undefined } } },
        ['originator.merchant.merchantType'],
      ],
      [
        'no merchant.merchantId',
        'createQrCode',
        { originator: { merchant: { merchantId: undefined } } },
        ['originator.merchant.merchantId'],
      ],
      [
        'no merchant.merchantName',
        'createQrCode',
        { originator: { merchant: { merchantName: undefined } } },
        ['originator.merchant.merchantName'],
      ],
      [
        'no merchantName.name/city/region/country',
        'createQrCode',
        {
          originator: {
            merchant: { merchantName: { name: undefined, city: undefined, region: undefined, country: undefined } },
          },
        },
        [
          'originator.merchant.merchantName.name',
          'originator.merchant.merchantName.city',
          'originator.merchant.merchantName.region',
          'originator.merchant.merchantName.country',
        ],
      ],
      [
        'no qrProperties.value.amount/currency',
        'createQrCode',
        { qrProperties: { value: { amount: undefined, currency: undefined } } },
        ['qrProperties.value.amount', 'qrProperties.value.currency'],
      ],
      ['no id', 'pay', { id: undefined }, ['id']],
      ['no time', 'pay', { time: undefined }, ['time']],
      ['no originator', 'pay', { originator: undefined }, ['originator']],
      ['no client', 'pay', { client: undefined }, ['client']],
      ['no thirdPartyIdentifiers', 'pay', { thirdPartyIdentifiers: undefined }, ['thirdPartyIdentifiers']],
      ['no amounts', 'pay', { amounts: undefined }, ['amounts']],
      ['no tranId', 'pay', { tranId: undefined }, ['tranId']],
      [
        'no requestAmount.amount',
        'pay',
        { amounts: { requestAmount: { amount: undefined } } },
        ['amounts.requestAmount.amount'],
      ],
      ['no id', 'confirmPayment', { id: undefined }, ['id']],
      ['no requestId', 'confirmPayment', { requestId: undefined }, ['requestId']],
      ['no time', 'confirmPayment', { time: undefined }, ['time']],
      ['no thirdPartyIdentifiers', 'confirmPayment', { thirdPartyIdentifiers: undefined }, ['thirdPartyIdentifiers']],
      ['no id', 'reversePayment', { id: undefined }, ['id']],
      ['no requestId', 'reversePayment', { requestId: undefined }, ['requestId']],
      ['no time', 'reversePayment', { time: undefined }, ['time']],
      ['no thirdPartyIdentifiers', 'reversePayment', { thirdPartyIdentifiers: undefined }, ['thirdPartyIdentifiers']],
      ['no reversalReason', 'reversePayment', { reversalReason: undefined }, ['reversalReason']],
      ['no id', 'notifyScan', { id: undefined }, ['id']],
      ['no time', 'notifyScan', { time: undefined }, ['time']],
      ['no partner', 'notifyScan', { partner: undefined }, ['partner']],
      ['no partner.name', 'notifyScan', { partner: { name: undefined } }, ['partner.name']],
      ['no tranId', 'notifyScan', { tranId: undefined }, ['tranId']],
    ]);

    it.each([
      ['createQrCode', ['client', 'id', 'originator', 'qrProperties', 'time']],
      ['pay', ['amounts', 'client', 'id', 'originator', 'thirdPartyIdentifiers', 'time', 'tranId']],
      ['confirmPayment', ['id', 'requestId', 'thirdPartyIdentifiers', 'time']],
      ['reversePayment', ['id', 'requestId', 'reversalReason', 'thirdPartyIdentifiers', 'time']],
      ['notifyScan', ['id', 'partner', 'time', 'tranId']],
    ] as const)('an empty %s reports every required field, each once', async (operation, fields) => {
      const violations = expectViolations(await send(operation, {}));
      expect(violatedFields(violations)).toEqual([...fields].sort());
      expect(violations).toHaveLength(fields.length);
      for (const v of violations) expect(v.invalidValue).toBeNull();
    });

    it('a required field sent as null counts as missing', async () => {
      await expectRejected('createQrCode', { client: null, time: null }, ['client', 'time']);
    });
  });

  describe('wrong types', () => {
    run([
      ['id a number', 'createQrCode', { id: 12345 }, ['id']],
      ['time a number', 'createQrCode', { time: 1_700_000_000 }, ['time']],
      ['client a string', 'createQrCode', { client: '1234' }, ['client']],
      ['client an array', 'createQrCode', { client: [{ id: '1234', name: 'x' }] }, ['client']],
      ['client.name a number', 'createQrCode', { client: { name: 5 } }, ['client.name']],
      ['terminalId a number', 'createQrCode', { originator: { terminalId: 12_345_678 } }, ['originator.terminalId']],
      ['singleUse a string', 'createQrCode', { qrProperties: { singleUse: 'yes' } }, ['qrProperties.singleUse']],
      [
        'overPaymentAllowed a number',
        'createQrCode',
        { qrProperties: { overPaymentAllowed: 1 } },
        ['qrProperties.overPaymentAllowed'],
      ],
      [
        'expiryDate a Java OffsetDateTime object',
        'createQrCode',
        { qrProperties: { expiryDate: { year: 2099, monthValue: 1, dayOfMonth: 1, hour: 0, minute: 0 } } },
        ['qrProperties.expiryDate'],
      ],
      ['qrProperties.value a number', 'createQrCode', { qrProperties: { value: 10_000 } }, ['qrProperties.value']],
      [
        'currency a number',
        'createQrCode',
        { qrProperties: { value: { currency: 710 } } },
        ['qrProperties.value.currency'],
      ],
      ['tranId a number', 'pay', { tranId: 123 }, ['tranId']],
      ['amounts a string', 'pay', { amounts: 'lots' }, ['amounts']],
      ['partner a string', 'notifyScan', { partner: WALLET.id }, ['partner']],
      ['tranId a boolean', 'notifyScan', { tranId: true }, ['tranId']],
      ['thirdPartyIdentifiers a string', 'confirmPayment', { thirdPartyIdentifiers: 'x' }, ['thirdPartyIdentifiers']],
      ['rrn a number', 'reversePayment', { rrn: 42 }, ['rrn']],
    ]);
  });

  describe('patterns', () => {
    run([
      [
        'currency letters',
        'createQrCode',
        { qrProperties: { value: { currency: 'ZAR' } } },
        ['qrProperties.value.currency'],
      ],
      [
        'currency 2 digits',
        'createQrCode',
        { qrProperties: { value: { currency: '71' } } },
        ['qrProperties.value.currency'],
      ],
      [
        'currency 4 digits',
        'createQrCode',
        { qrProperties: { value: { currency: '7100' } } },
        ['qrProperties.value.currency'],
      ],
      ['currency in pay', 'pay', { amounts: { requestAmount: { currency: 'R' } } }, ['amounts.requestAmount.currency']],
      [
        'currency in a confirmation',
        'confirmPayment',
        { amounts: { approvedAmount: money(100, 'US1') } },
        ['amounts.approvedAmount.currency'],
      ],
      [
        'merchantType 3 digits',
        'createQrCode',
        { originator: { merchant: { merchantType: '541' } } },
        ['originator.merchant.merchantType'],
      ],
      [
        'merchantType letters',
        'createQrCode',
        { originator: { merchant: { merchantType: 'ABCD' } } },
        ['originator.merchant.merchantType'],
      ],
      [
        'merchantType 5 digits',
        'createQrCode',
        { originator: { merchant: { merchantType: '54111' } } },
        ['originator.merchant.merchantType'],
      ],
      ['msisdn letters', 'createQrCode', { customer: { msisdn: 'call-me' } }, ['customer.msisdn']],
      ['msisdn leading 0', 'createQrCode', { customer: { msisdn: '0821234567' } }, ['customer.msisdn']],
      ['msisdn 16 digits', 'createQrCode', { customer: { msisdn: '2782123456789012' } }, ['customer.msisdn']],
      [
        'address country lowercase',
        'createQrCode',
        { customer: { addressDetails: { country: 'za' } } },
        ['customer.addressDetails.country'],
      ],
      ['email', 'createQrCode', { customer: { emailAddress: 'not-an-email' } }, ['customer.emailAddress']],
    ]);

    it('accepts valid patterns (msisdn with +, 4-digit merchantType, 3-digit currency)', async () => {
      const request = aCreateQrCodeRequest({
        customer: { msisdn: '+27821234567', emailAddress: 'a@example.com', addressDetails: { country: 'ZA' } },
        originator: { merchant: { merchantType: '0000' } },
        qrProperties: { value: { currency: '001' } },
      });
      expect((await send('createQrCode', request)).status).toBe(201);
    });
  });

  describe('lengths', () => {
    run([
      ['terminalId 7 chars', 'createQrCode', { originator: { terminalId: 'TERM001' } }, ['originator.terminalId']],
      ['terminalId 9 chars', 'createQrCode', { originator: { terminalId: 'TERM00001' } }, ['originator.terminalId']],
      ['terminalId empty', 'pay', { originator: { terminalId: '' } }, ['originator.terminalId']],
      [
        'merchantId 14 chars',
        'createQrCode',
        { originator: { merchant: { merchantId: 'M'.repeat(14) } } },
        ['originator.merchant.merchantId'],
      ],
      [
        'merchantId 16 chars',
        'pay',
        { originator: { merchant: { merchantId: 'M'.repeat(16) } } },
        ['originator.merchant.merchantId'],
      ],
      ['client.name 41 chars', 'createQrCode', { client: { name: 'n'.repeat(41) } }, ['client.name']],
      [
        'institution name 41 chars',
        'createQrCode',
        { originator: { institution: { name: 'n'.repeat(41) } } },
        ['originator.institution.name'],
      ],
      ['partner.name 41 chars', 'notifyScan', { partner: { name: 'n'.repeat(41) } }, ['partner.name']],
      [
        'merchantName.city 14 chars',
        'createQrCode',
        { originator: { merchant: { merchantName: { city: 'c'.repeat(14) } } } },
        ['originator.merchant.merchantName.city'],
      ],
      [
        'merchantName.name 24 chars',
        'createQrCode',
        { originator: { merchant: { merchantName: { name: 'n'.repeat(24) } } } },
        ['originator.merchant.merchantName.name'],
      ],
      [
        'merchantName.region 3 chars',
        'createQrCode',
        { originator: { merchant: { merchantName: { region: 'WCP' } } } },
        ['originator.merchant.merchantName.region'],
      ],
      [
        'operatorId 31 chars',
        'createQrCode',
        { originator: { operatorId: 'o'.repeat(31) } },
        ['originator.operatorId'],
      ],
      [
        'customer.firstName 41 chars',
        'createQrCode',
        { customer: { firstName: 'f'.repeat(41) } },
        ['customer.firstName'],
      ],
    ]);

    it('accepts every length at its maximum', async () => {
      const request = aCreateQrCodeRequest({
        client: { name: 'n'.repeat(40) },
        originator: {
          institution: { name: 'n'.repeat(40) },
          terminalId: 'T'.repeat(8),
          operatorId: 'o'.repeat(30),
          merchant: {
            merchantId: 'M'.repeat(15),
            merchantName: { name: 'n'.repeat(23), city: 'c'.repeat(13), region: 'WC', country: 'ZA' },
          },
        },
      });
      const res = await send('createQrCode', request);
      expect(res.status).toBe(201);
      expect(res.body.originator.merchant.merchantName.city).toBe('c'.repeat(13));
    });
  });

  describe('enums', () => {
    run([
      ['unknown scheme', 'createQrCode', { qrProperties: { scheme: 'QR_FANCY' } }, ['qrProperties.scheme']],
      ['scheme in lowercase', 'createQrCode', { qrProperties: { scheme: 'emvco_merchant' } }, ['qrProperties.scheme']],
      ['unknown tranType', 'pay', { tranType: 'SHOPPING' }, ['tranType']],
      ['unknown srcAccType', 'pay', { srcAccType: 'PIGGY_BANK' }, ['srcAccType']],
      ['unknown reversalReason', 'reversePayment', { reversalReason: 'OOPS' }, ['reversalReason']],
      ['reversalReason a number', 'reversePayment', { reversalReason: 1 }, ['reversalReason']],
      [
        'unknown ledgerIndicator',
        'pay',
        { amounts: { requestAmount: { ledgerIndicator: 'BOTH' } } },
        ['amounts.requestAmount.ledgerIndicator'],
      ],
    ]);

    it.each(['EMVCO_MERCHANT', 'PSEUDO_EMVCO_MERCHANT', 'ELECTRUM_MERCHANT_MINIMAL'])(
      'accepts scheme %s',
      async (scheme) => {
        const res = await send('createQrCode', aCreateQrCodeRequest({ qrProperties: { scheme } }));
        expect(res.status).toBe(201);
        expect(res.body.qrProperties.scheme).toBe(scheme);
      },
    );

    it.each(['TIMEOUT', 'CANCELLED', 'RESPONSE_NOT_FINAL'])(
      'accepts reversalReason %s (an unknown payment is then 404, not 400)',
      async (reversalReason) => {
        const res = await send('reversePayment', aPaymentReversal(randomUUID(), { reversalReason }));
        expectErrorDetail(res, 404, 'UNABLE_TO_LOCATE_RECORD');
      },
    );
  });

  describe('nested objects', () => {
    run([
      [
        'merchantName.country 3 chars',
        'createQrCode',
        { originator: { merchant: { merchantName: { country: 'ZAF' } } } },
        ['originator.merchant.merchantName.country'],
      ],
      [
        'merchantName.country 3 chars in pay',
        'pay',
        { originator: { merchant: { merchantName: { country: 'ZAF' } } } },
        ['originator.merchant.merchantName.country'],
      ],
      [
        'merchantName a string',
        'createQrCode',
        { originator: { merchant: { merchantName: 'Demo Store' } } },
        ['originator.merchant.merchantName'],
      ],
      [
        'violations at every depth at once',
        'createQrCode',
        {
          id: 'nope',
          client: { name: 'n'.repeat(41) },
          originator: {
            terminalId: 'T',
            merchant: { merchantType: 'x', merchantName: { country: 'ZAF', city: undefined } },
          },
          qrProperties: { scheme: 'NONE', value: { amount: -5, currency: 'ZAR' } },
        },
        [
          'id',
          'client.name',
          'originator.terminalId',
          'originator.merchant.merchantType',
          'originator.merchant.merchantName.country',
          'originator.merchant.merchantName.city',
          'qrProperties.scheme',
          'qrProperties.value.amount',
          'qrProperties.value.currency',
        ],
      ],
      [
        'additionalAmounts entry with a bad currency',
        'pay',
        { amounts: { additionalAmounts: { tip: money(500, 'TIP') } } },
        ['amounts.additionalAmounts.tip.currency'],
      ],
    ]);
  });

  describe('arrays', () => {
    run([
      [
        'thirdPartyIdentifiers[1].institutionId missing',
        'createQrCode',
        { thirdPartyIdentifiers: [tpi('1234', 'a'), { transactionIdentifier: 'b' }] },
        ['thirdPartyIdentifiers[1].institutionId'],
      ],
      [
        'thirdPartyIdentifiers[1].institutionId missing in pay',
        'pay',
        { thirdPartyIdentifiers: [tpi('1234', 'a'), { transactionIdentifier: 'b' }] },
        ['thirdPartyIdentifiers[1].institutionId'],
      ],
      [
        'thirdPartyIdentifiers as an object',
        'createQrCode',
        { thirdPartyIdentifiers: tpi('1234', 'a') },
        ['thirdPartyIdentifiers'],
      ],
      [
        'thirdPartyIdentifiers as an object',
        'pay',
        { thirdPartyIdentifiers: tpi('1234', 'a') },
        ['thirdPartyIdentifiers'],
      ],
      [
        'two empty identifiers',
        'notifyScan',
        { thirdPartyIdentifiers: [{}, {}] },
        [
          'thirdPartyIdentifiers[0].institutionId',
          'thirdPartyIdentifiers[0].transactionIdentifier',
          'thirdPartyIdentifiers[1].institutionId',
          'thirdPartyIdentifiers[1].transactionIdentifier',
        ],
      ],
      [
        'a number as transactionIdentifier',
        'reversePayment',
        { thirdPartyIdentifiers: [tpi('1234', 99)] },
        ['thirdPartyIdentifiers[0].transactionIdentifier'],
      ],
    ]);

    it('21,000 empty identifiers (a 63 KB body) → one violation on the array, a small answer', async () => {
      const body = JSON.stringify(aPaymentRequest(TRAN_ID, { thirdPartyIdentifiers: Array(21_000).fill({}) }));
      expect(body.length).toBeLessThan(64 * 1024);
      const res = await hub.raw().post('/qr/v1/payments').auth(RETAILER.id, RETAILER.password).type('json').send(body);
      const violations = expectViolations(res);
      expect(violations).toEqual([
        {
          messageProperty: 'PaymentRequest',
          field: 'thirdPartyIdentifiers',
          error: 'thirdPartyIdentifiers must contain no more than 50 elements',
          invalidValue: 'array',
        },
      ]);
      expect(res.text.length).toBeLessThan(1_000);
    });

    it('more than 50 violations: the first 50 are listed, then one entry says how many more', async () => {
      const res = await send('pay', aPaymentRequest(TRAN_ID, { thirdPartyIdentifiers: Array(50).fill({}) }));
      const violations = expectViolations(res);
      expect(violations).toHaveLength(51);
      expect(violations.slice(0, 2).map((v) => v.field)).toEqual([
        'thirdPartyIdentifiers[0].institutionId',
        'thirdPartyIdentifiers[0].transactionIdentifier',
      ]);
      expect(violations[50]).toEqual({
        messageProperty: 'PaymentRequest',
        field: '',
        error: '50 more violations not listed',
        invalidValue: null,
      });
      expect(res.text.length).toBeLessThan(16 * 1024);
    });

    it('an empty thirdPartyIdentifiers array is valid where the field is required', async () => {
      const res = await send('confirmPayment', aPaymentConfirmation(randomUUID(), { thirdPartyIdentifiers: [] }));
      expectErrorDetail(res, 404, 'UNABLE_TO_LOCATE_RECORD');
    });
  });

  describe('money (integer minor units, 0..2^53-1)', () => {
    const amounts: Array<[string, unknown]> = [
      ['1.5', 1.5],
      ['-1', -1],
      ['2**53', 2 ** 53],
      ['"100"', '100'],
      ['true', true],
    ];
    run(
      amounts.flatMap(([label, amount]): Case[] => [
        [
          `qrProperties.value.amount ${label}`,
          'createQrCode',
          { qrProperties: { value: { amount } } },
          ['qrProperties.value.amount'],
        ],
        [
          `requestAmount.amount ${label}`,
          'pay',
          { amounts: { requestAmount: { amount } } },
          ['amounts.requestAmount.amount'],
        ],
        [
          `approvedAmount.amount ${label}`,
          'reversePayment',
          { amounts: { approvedAmount: money(amount) } },
          ['amounts.approvedAmount.amount'],
        ],
      ]),
    );

    it('reports the rejected amount as invalidValue', async () => {
      for (const [, amount] of amounts) {
        const [v] = await expectRejected('createQrCode', { qrProperties: { value: { amount } } }, [
          'qrProperties.value.amount',
        ]);
        expect(v.invalidValue).toEqual(amount);
      }
    });

    it.each([0, 1, 2 ** 53 - 1])('accepts %d', async (amount) => {
      const res = await send('createQrCode', aCreateQrCodeRequest({ qrProperties: { value: { amount } } }));
      expect(res.status).toBe(201);
      expect(res.body.qrProperties.value.amount).toBe(amount);
    });
  });

  describe('UUID ids', () => {
    const bad = ['not-a-uuid', '', '12345678-1234-1234-1234-1234567890123', 'g2345678-1234-4234-8234-123456789012'];
    run(
      bad.flatMap((id): Case[] => [
        [`id "${id}"`, 'createQrCode', { id }, ['id']],
        [`id "${id}"`, 'pay', { id }, ['id']],
        [`id "${id}"`, 'notifyScan', { id }, ['id']],
        [`requestId "${id}"`, 'confirmPayment', { requestId: id }, ['requestId']],
      ]),
    );

    it('accepts an upper-case UUID', async () => {
      const res = await send('createQrCode', aCreateQrCodeRequest({ id: randomUUID().toUpperCase() }));
      expect(res.status).toBe(201);
    });
  });

  describe('RFC 3339 date-times', () => {
    const bad = [
      'yesterday',
      '2024-13-01T00:00:00Z',
      '2024-01-01T25:00:00Z',
      '2024-01-01T12:00:00',
      '2024-01-01',
      '01/02/2024 10:00',
      '',
      // RFC 3339 §5.7: date-mday must exist in that month and year.
      '2024-02-30T12:00:00Z',
      '2023-02-29T12:00:00Z',
      '2024-04-31T12:00:00Z',
    ];
    run(
      bad.flatMap((time): Case[] => [
        [`time "${time}"`, 'createQrCode', { time }, ['time']],
        [`time "${time}"`, 'reversePayment', { time }, ['time']],
        [`expiryDate "${time}"`, 'createQrCode', { qrProperties: { expiryDate: time } }, ['qrProperties.expiryDate']],
      ]),
    );

    it.each([
      '2024-01-01T12:00:00Z',
      '2024-01-01T12:00:00.123+02:00',
      '2024-01-01T12:00:00.123456-05:30',
      '2024-02-29T12:00:00Z',
    ])('accepts time %s', async (time) => {
      expect((await send('createQrCode', aCreateQrCodeRequest({ time }))).status).toBe(201);
    });
  });

  describe('invalidValue echoes the rejected value', () => {
    it.each([
      ['a short terminalId', { originator: { terminalId: 'TERM001' } }, 'originator.terminalId', 'TERM001'],
      ['a bad scheme', { qrProperties: { scheme: 'QR_FANCY' } }, 'qrProperties.scheme', 'QR_FANCY'],
      ['a missing id', { id: undefined }, 'id', null],
      ['a numeric client', { client: 7 }, 'client', 7],
    ] as const)('%s', async (_label, overrides, field, invalidValue) => {
      const [v] = await expectRejected('createQrCode', overrides as Overrides, [field]);
      expect(v.invalidValue).toEqual(invalidValue);
    });
  });

  describe('unknown properties are ignored, not rejected', () => {
    it('a createQrCode with extra keys at every level → 201, extras not echoed', async () => {
      const request = aCreateQrCodeRequest({
        foo: 1,
        client: { bar: 'x' },
        originator: { merchant: { merchantName: { zip: '8001' }, extra: true } },
        qrProperties: { baz: [1, 2], value: { qux: 'q' } },
        amounts: { requestAmount: { note: 'n' } },
        thirdPartyIdentifiers: [{ ...tpi('1234', 'QR-1'), extra: 1 }],
      });
      const res = await send('createQrCode', request);
      expect(res.status).toBe(201);
      expect(res.body.id).toBe(request.id);
      expect(res.body).not.toHaveProperty('foo');
      expect(res.body.client).not.toHaveProperty('bar');
      expect(res.body.originator.merchant).not.toHaveProperty('extra');
      expect(res.body.originator.merchant.merchantName).not.toHaveProperty('zip');
      expect(res.body.qrProperties).not.toHaveProperty('baz');
      expect(res.body.qrProperties.value).not.toHaveProperty('qux');
      expect(res.body.amounts.requestAmount).not.toHaveProperty('note');
      for (const id of res.body.thirdPartyIdentifiers as object[]) expect(id).not.toHaveProperty('extra');
      expect(res.text).not.toMatch(/"foo"|"bar"|"baz"|"qux"|"zip"|"extra"|"note"/);
    });

    it.each([
      ['pay', 'INVALID_TRAN_ID', 400],
      ['notifyScan', 'INVALID_TRAN_ID', 400],
      ['confirmPayment', 'UNABLE_TO_LOCATE_RECORD', 404],
      ['reversePayment', 'UNABLE_TO_LOCATE_RECORD', 404],
    ] as const)(
      '%s with extra keys gets past validation to the business rules',
      async (operation, errorType, status) => {
        const body = OPERATIONS[operation].build({
          foo: 1,
          nested: { a: 1 },
          thirdPartyIdentifiers: [{ ...tpi('x', 'y'), z: 1 }],
        });
        const res = await send(operation, body);
        expectErrorDetail(res, status, errorType);
      },
    );
  });
});
