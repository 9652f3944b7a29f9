import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateQrCodeRequestDto } from '@app/common/dto/create-qr-code-request.dto';
import { PaymentConfirmationDto } from '@app/common/dto/payment-confirmation.dto';
import { PaymentRequestDto } from '@app/common/dto/payment-request.dto';
import { PaymentReversalDto } from '@app/common/dto/payment-reversal.dto';
import { ScanNotificationDto } from '@app/common/dto/scan-notification.dto';
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

/** One rule per row: a valid example broken in one place must be reported at that field. */
type Dto = new () => object;
type Case = readonly [Dto, object];
type O = Record<string, unknown>;

const TRAN_ID = 'f82d7f64feea4f2ab24da94aaf5c2941';
const REQUEST_ID = '7a1e8c52-3b1f-4d6e-9c1a-2f5b8d3e4a10';
const pay = (o: O): Case => [PaymentRequestDto, aPaymentRequest(TRAN_ID, o)];
const qr = (o: O): Case => [CreateQrCodeRequestDto, aCreateQrCodeRequest(o)];
const scan = (o: O): Case => [ScanNotificationDto, aScanNotification(TRAN_ID, 'wallet-a', o)];
const confirm = (o: O): Case => [PaymentConfirmationDto, aPaymentConfirmation(REQUEST_ID, o)];
const reverse = (o: O): Case => [PaymentReversalDto, aPaymentReversal(REQUEST_ID, o)];
const requestAmount = (fields: O): O => ({ amounts: { requestAmount: fields } });
const merchant = (fields: O): O => ({ originator: { merchant: fields } });
const tpi = (institutionId: string | undefined, transactionIdentifier: string): O => ({
  institutionId,
  transactionIdentifier,
});

const pipe = createValidationPipe();

async function pipeViolations([metatype, body]: Case): Promise<FieldViolation[]> {
  try {
    await pipe.transform(body, { type: 'body', metatype });
    return [];
  } catch (error: unknown) {
    if (!(error instanceof FormatError)) throw error;
    return error.extra.detailMessage as FieldViolation[];
  }
}

async function directViolations([metatype, body]: Case): Promise<FieldViolation[]> {
  const errors = await validate(plainToInstance(metatype, body), { whitelist: true, forbidUnknownValues: true });
  return flattenValidationErrors(errors, metatype.name.replace(/Dto$/, ''));
}

const rules: Record<string, Array<[string, string, Case]>> = {
  'missing required field': [
    ['id', 'id', pay({ id: undefined })],
    ['qrProperties', 'qrProperties', qr({ qrProperties: undefined })],
    ['tranId', 'tranId', scan({ tranId: undefined })],
    ['partner', 'partner', scan({ partner: undefined })],
    ['amounts', 'amounts', pay({ amounts: undefined })],
    ['thirdPartyIdentifiers', 'thirdPartyIdentifiers', confirm({ thirdPartyIdentifiers: undefined })],
    ['reversalReason', 'reversalReason', reverse({ reversalReason: undefined })],
    ['requestId', 'requestId', confirm({ requestId: undefined })],
    [
      'merchantName.city',
      'originator.merchant.merchantName.city',
      pay(merchant({ merchantName: { city: undefined } })),
    ],
    ['currency', 'amounts.requestAmount.currency', pay(requestAmount({ currency: undefined }))],
  ],
  'wrong type': [
    ['number for string', 'stan', pay({ stan: 123 })],
    ['number for tranId', 'tranId', pay({ tranId: 42 })],
    ['string for object', 'originator', pay({ originator: 'TERM0001' })],
    ['array for object', 'client', pay({ client: [] })],
    ['object for array', 'thirdPartyIdentifiers', pay({ thirdPartyIdentifiers: {} })],
    ['string item in an array', 'thirdPartyIdentifiers[0]', pay({ thirdPartyIdentifiers: ['x'] })],
    ['array item in an array', 'thirdPartyIdentifiers', pay({ thirdPartyIdentifiers: [[tpi('a', '1')]] })],
    ['string for boolean', 'qrProperties.singleUse', qr({ qrProperties: { singleUse: 'true' } })],
    ['number for institution id', 'originator.institution.id', qr({ originator: { institution: { id: 1234 } } })],
  ],
  pattern: [
    ['currency "71"', 'amounts.requestAmount.currency', pay(requestAmount({ currency: '71' }))],
    ['currency "7100"', 'qrProperties.value.currency', qr({ qrProperties: { value: { currency: '7100' } } })],
    ['msisdn "abc"', 'customer.msisdn', qr({ customer: { msisdn: 'abc' } })],
    ['msisdn "0821234567"', 'customer.msisdn', qr({ customer: { msisdn: '0821234567' } })],
    ['merchantType "54110"', 'originator.merchant.merchantType', pay(merchant({ merchantType: '54110' }))],
    ['region "wc"', 'customer.addressDetails.region', qr({ customer: { addressDetails: { region: 'wc' } } })],
    ['issuerReference "ref1"', 'slipData.issuerReference', pay({ slipData: { issuerReference: 'ref1' } })],
    ['emailAddress', 'customer.emailAddress', qr({ customer: { emailAddress: 'not-an-email' } })],
  ],
  length: [
    ['terminalId of 7', 'originator.terminalId', pay({ originator: { terminalId: 'TERM001' } })],
    ['merchantId of 14', 'originator.merchant.merchantId', pay(merchant({ merchantId: 'MERCHANT000001' }))],
    ['client.name of 41', 'client.name', pay({ client: { name: 'n'.repeat(41) } })],
    ['operatorId of 31', 'originator.operatorId', pay({ originator: { operatorId: 'o'.repeat(31) } })],
    ['firstName of 41', 'customer.firstName', qr({ customer: { firstName: 'f'.repeat(41) } })],
    ['empty tranId', 'tranId', pay({ tranId: '' })],
    ['tranId of 65', 'tranId', scan({ tranId: 't'.repeat(65) })],
    ['stan of 257', 'stan', pay({ stan: 's'.repeat(257) })],
    ['partnerPaymentToken of 513', 'partnerPaymentToken', scan({ partnerPaymentToken: 'p'.repeat(513) })],
  ],
  enum: [
    ['reversalReason "LATER"', 'reversalReason', reverse({ reversalReason: 'LATER' })],
    ['tranType "X"', 'tranType', pay({ tranType: 'X' })],
    ['scheme "QR"', 'qrProperties.scheme', qr({ qrProperties: { scheme: 'QR' } })],
    [
      'ledgerIndicator "BOTH"',
      'amounts.requestAmount.ledgerIndicator',
      pay(requestAmount({ ledgerIndicator: 'BOTH' })),
    ],
  ],
  nested: [
    ['city of 14', 'originator.merchant.merchantName.city', pay(merchant({ merchantName: { city: 'c'.repeat(14) } }))],
    ['partner.name of 41', 'partner.name', confirm({ partner: { id: 'w', name: 'n'.repeat(41) } })],
  ],
  array: [
    [
      '[1] without institutionId',
      'thirdPartyIdentifiers[1].institutionId',
      pay({ thirdPartyIdentifiers: [tpi('a', '1'), tpi(undefined, '2')] }),
    ],
    [
      '51 items',
      'thirdPartyIdentifiers',
      reverse({ thirdPartyIdentifiers: Array.from({ length: 51 }, (_, i) => tpi('a', String(i))) }),
    ],
    ['slip line without text', 'slipData.messageLines[0].text', pay({ slipData: { messageLines: [{ cut: true }] } })],
  ],
  money: [
    ['amount 1.5', 'amounts.requestAmount.amount', pay(requestAmount({ amount: 1.5 }))],
    ['amount -1', 'amounts.requestAmount.amount', pay(requestAmount({ amount: -1 }))],
    ['amount 2**53', 'amounts.requestAmount.amount', pay(requestAmount({ amount: 2 ** 53 }))],
    ['amount "100"', 'amounts.requestAmount.amount', pay(requestAmount({ amount: '100' }))],
    [
      'advice approvedAmount 1.5',
      'amounts.approvedAmount.amount',
      confirm({ amounts: { approvedAmount: { amount: 1.5, currency: '710' } } }),
    ],
  ],
  UUID: [
    ['id "abc"', 'id', pay({ id: 'abc' })],
    ['requestId "abc"', 'requestId', reverse({ requestId: 'abc' })],
  ],
  'RFC 3339': [
    ['time "yesterday"', 'time', pay({ time: 'yesterday' })],
    ['time without offset', 'time', scan({ time: '2024-05-01T10:00:00' })],
    ['expiryDate as an object', 'qrProperties.expiryDate', qr({ qrProperties: { expiryDate: { year: 2030 } } })],
    ['dateOfBirth "31/01/1990"', 'customer.dateOfBirth', qr({ customer: { dateOfBirth: '31/01/1990' } })],
  ],
  additionalAmounts: [
    [
      'entry amount 1.5',
      'amounts.additionalAmounts.tip.amount',
      pay({ amounts: { additionalAmounts: { tip: { amount: 1.5, currency: '710' } } } }),
    ],
    [
      'entry without currency',
      'amounts.additionalAmounts.tip.currency',
      pay({ amounts: { additionalAmounts: { tip: { amount: 1 } } } }),
    ],
    [
      'entry a string',
      'amounts.additionalAmounts.cashback',
      scan({ amounts: { additionalAmounts: { cashback: '100' } } }),
    ],
    ['an array', 'amounts.additionalAmounts', pay({ amounts: { additionalAmounts: [] } })],
  ],
};

describe.each(Object.entries(rules))('message rule: %s', (_family, rows) => {
  it.each(rows)('%s is reported at %s', async (_case, field, testCase) => {
    const viaPipe = await pipeViolations(testCase);
    expect(viaPipe.map((v) => v.field)).toContain(field);
    const messageName = testCase[0].name.replace(/Dto$/, '');
    expect(viaPipe.every((v) => v.messageProperty === messageName && v.error.length > 0)).toBe(true);
    expect((await directViolations(testCase)).map((v) => v.field)).toContain(field);
  });
});
