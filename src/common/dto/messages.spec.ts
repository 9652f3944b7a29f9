import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateQrCodeRequestDto } from '@app/common/dto/create-qr-code-request.dto';
import { PaymentConfirmationDto } from '@app/common/dto/payment-confirmation.dto';
import { PaymentRequestDto } from '@app/common/dto/payment-request.dto';
import { PaymentReversalDto } from '@app/common/dto/payment-reversal.dto';
import { ScanNotificationDto } from '@app/common/dto/scan-notification.dto';
import { TenderDto } from '@app/common/dto/tender.dto';
import { createValidationPipe, flattenValidationErrors } from '@app/common/validation/validation';
import { FieldViolation } from '@app/errors/error-detail';
import { FormatError } from '@app/errors/hub-error';
// test/ has no path alias (jest/tsconfig map only @app → src).
import {
  aCreateQrCodeRequest,
  aPaymentConfirmation,
  aPaymentRequest,
  aPaymentReversal,
  aScanNotification,
} from '../../../test/factories/messages.factory';

type Dto = new () => object;
const TRAN_ID = 'f82d7f64feea4f2ab24da94aaf5c2941';
const REQUEST_ID = '7a1e8c52-3b1f-4d6e-9c1a-2f5b8d3e4a10';
const pipe = createValidationPipe();

/** Run a body through the real pipe; [] when it passes. */
async function pipeViolations(metatype: Dto, body: unknown): Promise<FieldViolation[]> {
  try {
    await pipe.transform(body, { type: 'body', metatype });
    return [];
  } catch (error: unknown) {
    if (!(error instanceof FormatError)) throw error;
    return error.extra.detailMessage as FieldViolation[];
  }
}

/** The same rules through bare class-transformer + class-validator. */
async function directViolations(metatype: Dto, body: object): Promise<FieldViolation[]> {
  const errors = await validate(plainToInstance(metatype, body), { whitelist: true, forbidUnknownValues: true });
  return flattenValidationErrors(errors, metatype.name.replace(/Dto$/, ''));
}

const fields = (violations: FieldViolation[]): string[] => violations.map((v) => v.field);

const examples: Array<[string, Dto, () => Record<string, unknown>]> = [
  ['CreateQrCodeRequest', CreateQrCodeRequestDto, () => ({ ...aCreateQrCodeRequest() })],
  ['PaymentRequest', PaymentRequestDto, () => ({ ...aPaymentRequest(TRAN_ID) })],
  ['ScanNotification', ScanNotificationDto, () => ({ ...aScanNotification(TRAN_ID, 'wallet-a') })],
  ['PaymentConfirmation', PaymentConfirmationDto, () => ({ ...aPaymentConfirmation(REQUEST_ID) })],
  ['PaymentReversal', PaymentReversalDto, () => ({ ...aPaymentReversal(REQUEST_ID) })],
];

describe('message DTOs', () => {
  describe.each(examples)('a valid %s', (_name, metatype, build) => {
    it('passes class-validator', async () => {
      expect(await directViolations(metatype, build())).toEqual([]);
    });

    it('passes the pipe and comes out as a DTO instance', async () => {
      const body = build();
      const dto = await pipe.transform(body, { type: 'body', metatype });
      expect(dto).toBeInstanceOf(metatype);
      expect(dto).toEqual(body);
    });
  });

  it('accepts every optional part filled in', async () => {
    const body = aPaymentRequest(TRAN_ID, {
      settlementEntity: { id: 'acq', name: 'Acquirer' },
      receiver: { id: 'rcv', name: 'Receiver' },
      partner: { id: 'wallet-a', name: 'Wallet A' },
      slipData: {
        messageLines: [{ text: 'Thank you', barcode: { data: '123', encoding: 'CODE128' }, fontWidthScaleFactor: 1.5, cut: true }],
        slipWidth: 40,
        issuerReference: 'REF123',
      },
      basketRef: 'B1',
      srcAccType: 'GIFT_CARD',
      destAccType: 'DEFAULT',
      stan: '000001',
      rrn: '123456789012',
      amounts: {
        approvedAmount: { amount: 0, currency: '710', ledgerIndicator: 'DEBIT' },
        additionalAmounts: { tip: { amount: 500, currency: '710' } },
      },
      partnerPaymentToken: 'x'.repeat(512),
    });
    const qr = aCreateQrCodeRequest({
      customer: {
        firstName: 'Thandi',
        dateOfBirth: '1990-01-31T00:00:00Z',
        msisdn: '+27821234567',
        emailAddress: 'thandi@example.co.za',
        addressDetails: { addressLine1: '1 Main Rd', city: 'Cape Town', region: 'WC', country: 'ZA', postalCode: '8001' },
      },
      qrProperties: { expiryDate: '2030-01-01T12:00:00.000+02:00', scheme: 'EMVCO_MERCHANT' },
    });
    expect(await pipeViolations(PaymentRequestDto, body)).toEqual([]);
    expect(await pipeViolations(CreateQrCodeRequestDto, qr)).toEqual([]);
  });

  // [case, DTO, body, field that must be reported]
  const invalid: Array<[string, Dto, Record<string, unknown>, string]> = [
    // missing required fields
    ['missing id', PaymentRequestDto, aPaymentRequest(TRAN_ID, { id: undefined }), 'id'],
    ['missing qrProperties', CreateQrCodeRequestDto, aCreateQrCodeRequest({ qrProperties: undefined }), 'qrProperties'],
    ['missing tranId', ScanNotificationDto, aScanNotification(TRAN_ID, 'w', { tranId: undefined }), 'tranId'],
    ['missing partner', ScanNotificationDto, aScanNotification(TRAN_ID, 'w', { partner: undefined }), 'partner'],
    ['missing amounts', PaymentRequestDto, aPaymentRequest(TRAN_ID, { amounts: undefined }), 'amounts'],
    ['missing thirdPartyIdentifiers', PaymentConfirmationDto, aPaymentConfirmation(REQUEST_ID, { thirdPartyIdentifiers: undefined }), 'thirdPartyIdentifiers'],
    ['missing reversalReason', PaymentReversalDto, aPaymentReversal(REQUEST_ID, { reversalReason: undefined }), 'reversalReason'],
    ['missing merchantName.city', PaymentRequestDto, aPaymentRequest(TRAN_ID, { originator: { merchant: { merchantName: { city: undefined } } } }), 'originator.merchant.merchantName.city'],
    ['missing currency', PaymentRequestDto, aPaymentRequest(TRAN_ID, { amounts: { requestAmount: { currency: undefined } } }), 'amounts.requestAmount.currency'],
    // wrong types
    ['number for string', PaymentRequestDto, aPaymentRequest(TRAN_ID, { stan: 123 }), 'stan'],
    ['number for tranId', PaymentRequestDto, aPaymentRequest(TRAN_ID, { tranId: 42 }), 'tranId'],
    ['string for object', PaymentRequestDto, aPaymentRequest(TRAN_ID, { originator: 'TERM0001' }), 'originator'],
    ['array for object', PaymentRequestDto, aPaymentRequest(TRAN_ID, { client: [] }), 'client'],
    ['object for array', PaymentRequestDto, aPaymentRequest(TRAN_ID, { thirdPartyIdentifiers: {} }), 'thirdPartyIdentifiers'],
    ['string item in array', PaymentRequestDto, aPaymentRequest(TRAN_ID, { thirdPartyIdentifiers: ['x'] }), 'thirdPartyIdentifiers[0]'],
    ['string for boolean', CreateQrCodeRequestDto, aCreateQrCodeRequest({ qrProperties: { singleUse: 'true' } }), 'qrProperties.singleUse'],
    // patterns
    ['currency "71"', PaymentRequestDto, aPaymentRequest(TRAN_ID, { amounts: { requestAmount: { currency: '71' } } }), 'amounts.requestAmount.currency'],
    ['currency "7100"', CreateQrCodeRequestDto, aCreateQrCodeRequest({ qrProperties: { value: { currency: '7100' } } }), 'qrProperties.value.currency'],
    ['msisdn "abc"', CreateQrCodeRequestDto, aCreateQrCodeRequest({ customer: { msisdn: 'abc' } }), 'customer.msisdn'],
    ['msisdn with a leading 0', CreateQrCodeRequestDto, aCreateQrCodeRequest({ customer: { msisdn: '0821234567' } }), 'customer.msisdn'],
    ['merchantType "54110"', PaymentRequestDto, aPaymentRequest(TRAN_ID, { originator: { merchant: { merchantType: '54110' } } }), 'originator.merchant.merchantType'],
    ['region "wc"', CreateQrCodeRequestDto, aCreateQrCodeRequest({ customer: { addressDetails: { region: 'wc' } } }), 'customer.addressDetails.region'],
    ['issuerReference lower case', PaymentRequestDto, aPaymentRequest(TRAN_ID, { slipData: { issuerReference: 'ref1' } }), 'slipData.issuerReference'],
    ['emailAddress', CreateQrCodeRequestDto, aCreateQrCodeRequest({ customer: { emailAddress: 'not-an-email' } }), 'customer.emailAddress'],
    // lengths
    ['terminalId of 7', PaymentRequestDto, aPaymentRequest(TRAN_ID, { originator: { terminalId: 'TERM001' } }), 'originator.terminalId'],
    ['merchantId of 14', PaymentRequestDto, aPaymentRequest(TRAN_ID, { originator: { merchant: { merchantId: 'MERCHANT000001' } } }), 'originator.merchant.merchantId'],
    ['client.name of 41', PaymentRequestDto, aPaymentRequest(TRAN_ID, { client: { name: 'n'.repeat(41) } }), 'client.name'],
    ['operatorId of 31', PaymentRequestDto, aPaymentRequest(TRAN_ID, { originator: { operatorId: 'o'.repeat(31) } }), 'originator.operatorId'],
    ['customer.firstName of 41', CreateQrCodeRequestDto, aCreateQrCodeRequest({ customer: { firstName: 'f'.repeat(41) } }), 'customer.firstName'],
    ['empty tranId', PaymentRequestDto, aPaymentRequest('', {}), 'tranId'],
    ['tranId of 65', ScanNotificationDto, aScanNotification('t'.repeat(65), 'w'), 'tranId'],
    ['huge stan', PaymentRequestDto, aPaymentRequest(TRAN_ID, { stan: 's'.repeat(257) }), 'stan'],
    ['partnerPaymentToken of 513', ScanNotificationDto, aScanNotification(TRAN_ID, 'w', { partnerPaymentToken: 'p'.repeat(513) }), 'partnerPaymentToken'],
    // enums
    ['reversalReason "LATER"', PaymentReversalDto, aPaymentReversal(REQUEST_ID, { reversalReason: 'LATER' }), 'reversalReason'],
    ['tranType "X"', PaymentRequestDto, aPaymentRequest(TRAN_ID, { tranType: 'X' }), 'tranType'],
    ['scheme "QR"', CreateQrCodeRequestDto, aCreateQrCodeRequest({ qrProperties: { scheme: 'QR' } }), 'qrProperties.scheme'],
    ['ledgerIndicator "BOTH"', PaymentRequestDto, aPaymentRequest(TRAN_ID, { amounts: { requestAmount: { ledgerIndicator: 'BOTH' } } }), 'amounts.requestAmount.ledgerIndicator'],
    // nested
    ['merchantName.city of 14', PaymentRequestDto, aPaymentRequest(TRAN_ID, { originator: { merchant: { merchantName: { city: 'c'.repeat(14) } } } }), 'originator.merchant.merchantName.city'],
    ['originator.institution.id a number', CreateQrCodeRequestDto, aCreateQrCodeRequest({ originator: { institution: { id: 1234 } } }), 'originator.institution.id'],
    // arrays
    ['thirdPartyIdentifiers[1] without institutionId', PaymentRequestDto, aPaymentRequest(TRAN_ID, { thirdPartyIdentifiers: [{ institutionId: 'a', transactionIdentifier: '1' }, { transactionIdentifier: '2' }] }), 'thirdPartyIdentifiers[1].institutionId'],
    ['51 thirdPartyIdentifiers', PaymentReversalDto, aPaymentReversal(REQUEST_ID, { thirdPartyIdentifiers: Array.from({ length: 51 }, (_, i) => ({ institutionId: 'a', transactionIdentifier: String(i) })) }), 'thirdPartyIdentifiers'],
    ['slip line without text', PaymentRequestDto, aPaymentRequest(TRAN_ID, { slipData: { messageLines: [{ cut: true }] } }), 'slipData.messageLines[0].text'],
    // money
    ['amount 1.5', PaymentRequestDto, aPaymentRequest(TRAN_ID, { amounts: { requestAmount: { amount: 1.5 } } }), 'amounts.requestAmount.amount'],
    ['amount -1', PaymentRequestDto, aPaymentRequest(TRAN_ID, { amounts: { requestAmount: { amount: -1 } } }), 'amounts.requestAmount.amount'],
    ['amount 2**53', PaymentRequestDto, aPaymentRequest(TRAN_ID, { amounts: { requestAmount: { amount: 2 ** 53 } } }), 'amounts.requestAmount.amount'],
    ['amount "100"', PaymentRequestDto, aPaymentRequest(TRAN_ID, { amounts: { requestAmount: { amount: '100' } } }), 'amounts.requestAmount.amount'],
    ['approvedAmount 1.5 in an advice', PaymentConfirmationDto, aPaymentConfirmation(REQUEST_ID, { amounts: { approvedAmount: { amount: 1.5, currency: '710' } } }), 'amounts.approvedAmount.amount'],
    // UUIDs
    ['id "abc"', PaymentRequestDto, aPaymentRequest(TRAN_ID, { id: 'abc' }), 'id'],
    ['requestId "abc"', PaymentReversalDto, aPaymentReversal('abc'), 'requestId'],
    // RFC 3339
    ['time "yesterday"', PaymentRequestDto, aPaymentRequest(TRAN_ID, { time: 'yesterday' }), 'time'],
    ['time without offset', ScanNotificationDto, aScanNotification(TRAN_ID, 'w', { time: '2024-05-01T10:00:00' }), 'time'],
    ['expiryDate as an OffsetDateTime object', CreateQrCodeRequestDto, aCreateQrCodeRequest({ qrProperties: { expiryDate: { year: 2030, monthValue: 1 } } }), 'qrProperties.expiryDate'],
    ['dateOfBirth "31/01/1990"', CreateQrCodeRequestDto, aCreateQrCodeRequest({ customer: { dateOfBirth: '31/01/1990' } }), 'customer.dateOfBirth'],
    // additionalAmounts
    ['additionalAmounts entry amount 1.5', PaymentRequestDto, aPaymentRequest(TRAN_ID, { amounts: { additionalAmounts: { tip: { amount: 1.5, currency: '710' } } } }), 'amounts.additionalAmounts.tip.amount'],
    ['additionalAmounts entry currency missing', PaymentRequestDto, aPaymentRequest(TRAN_ID, { amounts: { additionalAmounts: { tip: { amount: 1 } } } }), 'amounts.additionalAmounts.tip.currency'],
    ['additionalAmounts entry a string', ScanNotificationDto, aScanNotification(TRAN_ID, 'w', { amounts: { additionalAmounts: { cashback: '100' } } }), 'amounts.additionalAmounts.cashback'],
    ['additionalAmounts an array', PaymentRequestDto, aPaymentRequest(TRAN_ID, { amounts: { additionalAmounts: [] } }), 'amounts.additionalAmounts'],
  ];

  it.each(invalid)('reports %s', async (_case, metatype, body, field) => {
    const viaPipe = await pipeViolations(metatype, body);
    expect(fields(viaPipe)).toContain(field);
    expect(viaPipe.every((v) => v.messageProperty === metatype.name.replace(/Dto$/, ''))).toBe(true);
    expect(fields(await directViolations(metatype, body))).toContain(field.replace(/\.additionalAmounts\..*$/, '.additionalAmounts'));
  });

  it('reports a bad card number on a tender', async () => {
    const tender = { tenderType: 'CREDIT_CARD', amount: { amount: 100, currency: '710' }, cardNumber: '12345' };
    expect(fields(await pipeViolations(TenderDto, tender))).toEqual(['cardNumber']);
    expect(fields(await pipeViolations(TenderDto, { ...tender, cardNumber: '123456******1234' }))).toEqual([]);
    expect(fields(await pipeViolations(TenderDto, { ...tender, tenderType: 'BITCOIN', accountType: 'GIFT_CARD' }))).toEqual([
      'accountType',
      'tenderType',
    ]);
  });

  it('accepts amounts up to Number.MAX_SAFE_INTEGER and zero', async () => {
    for (const amount of [0, Number.MAX_SAFE_INTEGER]) {
      expect(await pipeViolations(PaymentRequestDto, aPaymentRequest(TRAN_ID, { amounts: { requestAmount: { amount } } }))).toEqual([]);
    }
  });

  it('accepts an empty thirdPartyIdentifiers array where it is required', async () => {
    expect(await pipeViolations(PaymentRequestDto, aPaymentRequest(TRAN_ID, { thirdPartyIdentifiers: [] }))).toEqual([]);
  });

  it('reports every violation, not only the first', async () => {
    const body = aPaymentRequest(TRAN_ID, {
      id: 'abc',
      time: 'yesterday',
      amounts: { requestAmount: { currency: '71' } },
      originator: { terminalId: 'T' },
    });
    const found = await pipeViolations(PaymentRequestDto, body);
    expect(found.length).toBeGreaterThanOrEqual(4);
    expect(fields(found)).toEqual(
      expect.arrayContaining(['id', 'time', 'amounts.requestAmount.currency', 'originator.terminalId']),
    );
  });

  it('strips unknown properties at every level', async () => {
    const body = aPaymentRequest(TRAN_ID, {
      extra: 'top',
      originator: { merchant: { merchantName: { colour: 'blue' } } },
      thirdPartyIdentifiers: [{ institutionId: '1234', transactionIdentifier: 'x', secret: 's' }],
      amounts: { additionalAmounts: { tip: { amount: 1, currency: '710', note: 'n' } } },
    });
    const dto = (await pipe.transform(body, { type: 'body', metatype: PaymentRequestDto })) as PaymentRequestDto;
    expect(dto).not.toHaveProperty('extra');
    expect(dto.originator.merchant.merchantName).not.toHaveProperty('colour');
    expect(dto.thirdPartyIdentifiers[0]).not.toHaveProperty('secret');
    expect(dto.amounts.additionalAmounts?.tip).toEqual({ amount: 1, currency: '710' });
    expect(JSON.parse(JSON.stringify(dto))).not.toHaveProperty('extra');
  });
});

describe('message factories', () => {
  it('merge overrides deep-ish and remove keys set to undefined', () => {
    const body = aPaymentRequest(TRAN_ID, { originator: { terminalId: 'TERM0002' }, rrn: 'r', tranType: undefined });
    expect(body.originator.terminalId).toBe('TERM0002');
    expect(body.originator.merchant.merchantId).toBe('MERCHANT0000001');
    expect(body.rrn).toBe('r');
    expect(body).not.toHaveProperty('tranType');
    expect(body.client.id).toBe('1234');
    expect(aPaymentRequest(TRAN_ID).id).not.toBe(body.id);
  });
});
