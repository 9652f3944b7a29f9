/**
 * Valid example messages, as the plain JSON a retailer or partner would send.
 * Each call gets fresh UUIDs. Overrides are merged deep-ish: a plain-object
 * override is merged into the default object at that key, anything else
 * (arrays, scalars, wrong types on purpose) replaces it, and `undefined`
 * removes the key — `aPaymentRequest(tranId, { id: undefined })` has no `id`.
 */
import { randomUUID } from 'node:crypto';
import type { CreateQrCodeRequestDto } from '@app/common/dto/create-qr-code-request.dto';
import type { PaymentConfirmationDto } from '@app/common/dto/payment-confirmation.dto';
import type { PaymentRequestDto } from '@app/common/dto/payment-request.dto';
import type { PaymentReversalDto } from '@app/common/dto/payment-reversal.dto';
import type { ScanNotificationDto } from '@app/common/dto/scan-notification.dto';

/** Anything at the message's own keys (typed loosely so tests can send bad values), plus unknown keys. */
export type Overrides<T> = { [K in keyof T]?: unknown } & Record<string, unknown>;

/** The demo retailer of the shipped config (Basic-auth username = `client.id`). */
export const DEMO_RETAILER = { id: '1234', name: 'Demo Retailer' } as const;
export const DEMO_TERMINAL_ID = 'TERM0001';
export const DEMO_MERCHANT_ID = 'MERCHANT0000001';
/** ISO 4217 numeric code of the South African rand. */
export const ZAR = '710';
/** R100.00 in cents. */
export const DEFAULT_AMOUNT = 10_000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}

/** Deep-ish merge: plain objects merge recursively, everything else replaces, `undefined` deletes. */
export function mergeOverrides<T extends object>(base: T, overrides: Record<string, unknown> = {}): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) {
      delete out[key];
    } else if (isPlainObject(value) && isPlainObject(out[key])) {
      out[key] = mergeOverrides(out[key] as Record<string, unknown>, value);
    } else {
      out[key] = value;
    }
  }
  return out as T;
}

const now = (): string => new Date().toISOString();

function anOriginator(): CreateQrCodeRequestDto['originator'] {
  return {
    institution: { ...DEMO_RETAILER },
    terminalId: DEMO_TERMINAL_ID,
    merchant: {
      merchantType: '5411',
      merchantId: DEMO_MERCHANT_ID,
      merchantName: { name: 'Demo Store', city: 'Cape Town', region: 'WC', country: 'ZA' },
    },
    operatorId: 'OP01',
  };
}

function zar(amount = DEFAULT_AMOUNT): { amount: number; currency: string } {
  return { amount, currency: ZAR };
}

export function aCreateQrCodeRequest(overrides?: Overrides<CreateQrCodeRequestDto>): CreateQrCodeRequestDto {
  const id = randomUUID();
  return mergeOverrides<CreateQrCodeRequestDto>(
    {
      id,
      time: now(),
      originator: anOriginator(),
      client: { ...DEMO_RETAILER },
      thirdPartyIdentifiers: [{ institutionId: DEMO_RETAILER.id, transactionIdentifier: `QR-${id.slice(0, 8)}` }],
      amounts: { requestAmount: zar() },
      qrProperties: {
        value: zar(),
        scheme: 'ELECTRUM_MERCHANT_MINIMAL',
        singleUse: true,
        overPaymentAllowed: false,
        partPaymentAllowed: false,
      },
    },
    overrides,
  );
}

export function aPaymentRequest(tranId: string, overrides?: Overrides<PaymentRequestDto>): PaymentRequestDto {
  const id = randomUUID();
  return mergeOverrides<PaymentRequestDto>(
    {
      id,
      time: now(),
      originator: anOriginator(),
      client: { ...DEMO_RETAILER },
      thirdPartyIdentifiers: [{ institutionId: DEMO_RETAILER.id, transactionIdentifier: `POS-${id.slice(0, 8)}` }],
      tranType: 'GOODS_AND_SERVICES',
      amounts: { requestAmount: zar() },
      tranId,
    },
    overrides,
  );
}

export function aScanNotification(
  tranId: string,
  partnerId: string,
  overrides?: Overrides<ScanNotificationDto>,
): ScanNotificationDto {
  const id = randomUUID();
  return mergeOverrides<ScanNotificationDto>(
    {
      id,
      time: now(),
      partner: { id: partnerId, name: partnerId.slice(0, 40) },
      thirdPartyIdentifiers: [{ institutionId: partnerId, transactionIdentifier: `SCAN-${id.slice(0, 8)}` }],
      tranId,
      partnerPaymentToken: `tok-${randomUUID()}`,
    },
    overrides,
  );
}

export function aPaymentConfirmation(
  requestId: string,
  overrides?: Overrides<PaymentConfirmationDto>,
): PaymentConfirmationDto {
  return mergeOverrides<PaymentConfirmationDto>(
    { id: randomUUID(), requestId, time: now(), thirdPartyIdentifiers: [] },
    overrides,
  );
}

export function aPaymentReversal(requestId: string, overrides?: Overrides<PaymentReversalDto>): PaymentReversalDto {
  return mergeOverrides<PaymentReversalDto>(
    { id: randomUUID(), requestId, time: now(), thirdPartyIdentifiers: [], reversalReason: 'CANCELLED' },
    overrides,
  );
}
