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
        messageLines: [
          { text: 'Thank you', barcode: { data: '123', encoding: 'CODE128' }, fontWidthScaleFactor: 1.5, cut: true },
        ],
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
        addressDetails: {
          addressLine1: '1 Main Rd',
          city: 'Cape Town',
          region: 'WC',
          country: 'ZA',
          postalCode: '8001',
        },
      },
      qrProperties: { expiryDate: '2030-01-01T12:00:00.000+02:00', scheme: 'EMVCO_MERCHANT' },
    });
    expect(await pipeViolations(PaymentRequestDto, body)).toEqual([]);
    expect(await pipeViolations(CreateQrCodeRequestDto, qr)).toEqual([]);
  });

  it('reports a bad card number on a tender', async () => {
    const tender = { tenderType: 'CREDIT_CARD', amount: { amount: 100, currency: '710' }, cardNumber: '12345' };
    expect(fields(await pipeViolations(TenderDto, tender))).toEqual(['cardNumber']);
    expect(fields(await pipeViolations(TenderDto, { ...tender, cardNumber: '123456******1234' }))).toEqual([]);
    expect(
      fields(
        await pipeViolations(TenderDto, {
          ...tender,
          cardNumber: undefined,
          tenderType: 'BITCOIN',
          accountType: 'GIFT_CARD',
        }),
      ),
    ).toEqual(['accountType', 'tenderType']);
  });

  it('accepts amounts up to Number.MAX_SAFE_INTEGER and zero', async () => {
    for (const amount of [0, Number.MAX_SAFE_INTEGER]) {
      expect(
        await pipeViolations(PaymentRequestDto, aPaymentRequest(TRAN_ID, { amounts: { requestAmount: { amount } } })),
      ).toEqual([]);
    }
  });

  it('accepts an empty thirdPartyIdentifiers array where it is required', async () => {
    expect(await pipeViolations(PaymentRequestDto, aPaymentRequest(TRAN_ID, { thirdPartyIdentifiers: [] }))).toEqual(
      [],
    );
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
