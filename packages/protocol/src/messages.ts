/**
 * The messages of the QR Payment Service Interface 1.7.0 as plain TypeScript
 * interfaces: one definition of each, for the retailer client library and for
 * the hub, whose DTO classes (`src/common/dto`) implement them with their
 * class-validator decorators (`src/common/dto/protocol-messages.spec.ts`
 * checks at compile time that the two stay the same shape). Money is integer
 * minor units (R12.50 = 1250); times are RFC 3339 strings.
 */
import type { ErrorTypeName } from './error-types';

/** Swagger `Institution`. For `client`, `id` is also the Basic-auth username. */
export interface Institution {
  id: string;
  /** At most 40 characters. */
  name: string;
}

/** Swagger `ThirdPartyIdentifier`: one entity's own id for the transaction; pass others' on unaltered. */
export interface ThirdPartyIdentifier {
  institutionId: string;
  transactionIdentifier: string;
}

/** Swagger `LedgerAmount`: integer minor units and an ISO 4217 numeric currency ("710" = ZAR). */
export interface LedgerAmount {
  amount: number;
  currency: string;
  ledgerIndicator?: 'DEBIT' | 'CREDIT';
}

/** Swagger `Amounts`. Absent amounts have zero value. */
export interface Amounts {
  requestAmount?: LedgerAmount;
  approvedAmount?: LedgerAmount;
  feeAmount?: LedgerAmount;
  balanceAmount?: LedgerAmount;
  additionalAmounts?: Record<string, LedgerAmount>;
}

/** Swagger `MerchantName` (EMVCo tags 59/60). */
export interface MerchantName {
  name: string;
  city: string;
  /** Two capital letters. */
  region: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

/** Swagger `Merchant`. */
export interface Merchant {
  /** Four-digit merchant category code. */
  merchantType: string;
  /** Exactly 15 characters. */
  merchantId: string;
  merchantName: MerchantName;
}

/** Swagger `Originator`: the institution, terminal and merchant a request comes from. */
export interface Originator {
  institution: Institution;
  /** Exactly 8 characters. */
  terminalId: string;
  merchant: Merchant;
  operatorId?: string;
}

/** Swagger `Address`. */
export interface Address {
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  region?: string;
  country?: string;
  postalCode?: string;
}

/** Swagger `Customer`. */
export interface Customer {
  firstName?: string;
  lastName?: string;
  address?: string;
  dateOfBirth?: string;
  status?: string;
  msisdn?: string;
  emailAddress?: string;
  addressDetails?: Address;
  profileId?: string;
}

/** Swagger `QrProperties.scheme`. */
export type QrScheme = 'EMVCO_MERCHANT' | 'PSEUDO_EMVCO_MERCHANT' | 'ELECTRUM_MERCHANT_MINIMAL';

/** Swagger `QrProperties`: how a QR code may be used. */
export interface QrProperties {
  uuid?: string;
  /** The code's amount; payments are checked against it. */
  value?: LedgerAmount;
  overPaymentAllowed?: boolean;
  partPaymentAllowed?: boolean;
  /** RFC 3339 date-time (the swagger's OffsetDateTime object is not accepted). */
  expiryDate?: string;
  singleUse?: boolean;
  scheme?: QrScheme;
}

/** Swagger `Barcode`. */
export interface Barcode {
  data: string;
  encoding: string;
}

/** Swagger `SlipLine`. */
export interface SlipLine {
  barcode?: Barcode;
  text: string;
  fontWidthScaleFactor?: number;
  fontHeightScaleFactor?: number;
  line?: boolean;
  cut?: boolean;
}

/** Swagger `SlipData`: text the POS may print on the customer slip. */
export interface SlipData {
  messageLines?: SlipLine[];
  slipWidth?: number;
  issuerReference?: string;
}

/** Swagger `PaymentRequest.tranType`. */
export type TranType =
  | 'GOODS_AND_SERVICES'
  | 'CASH_WITHDRAWAL'
  | 'DEBIT_ADJUSTMENT'
  | 'GOODS_AND_SERVICES_WITH_CASH_BACK'
  | 'NON_CASH'
  | 'RETURNS'
  | 'DEPOSIT'
  | 'CREDIT_ADJUSTMENT'
  | 'GENERAL_CREDIT'
  | 'AVAILABLE_FUNDS_INQUIRY'
  | 'BALANCE_INQUIRY'
  | 'GENERAL_INQUIRY'
  | 'CARD_VERIFICATION_INQUIRY'
  | 'CARDHOLDER_ACCOUNTS_TRANSFER'
  | 'GENERAL_TRANSFER'
  | 'PAYMENT_FROM_ACCOUNT'
  | 'GENERAL_PAYMENT'
  | 'PAYMENT_TO_ACCOUNT'
  | 'PAYMENT_FROM_ACCOUNT_TO_ACCOUNT'
  | 'PLACE_HOLD_ON_CARD'
  | 'GENERAL_ADMIN'
  | 'CHANGE_PIN'
  | 'CARD_HOLDER_INQUIRY'
  | 'POINTS_INQUIRY';

/** Swagger `srcAccType` / `destAccType`. */
export type AccountType =
  'DEFAULT' | 'SAVINGS' | 'CHEQUE' | 'CREDIT' | 'UNIVERSAL' | 'ELECTRONIC_PURSE' | 'GIFT_CARD' | 'STORED_VALUE';

/** Swagger `Tender.accountType` (no GIFT_CARD, unlike AccountType). */
export type TenderAccountType = Exclude<AccountType, 'GIFT_CARD'>;

/** Swagger `Tender.tenderType`. */
export type TenderType =
  'CASH' | 'CHEQUE' | 'CREDIT_CARD' | 'DEBIT_CARD' | 'WALLET' | 'ROUNDING' | 'GIFT_CARD' | 'LOYALTY_CARD' | 'OTHER';

/** Swagger `Tender`: how the customer paid. */
export interface Tender {
  accountType?: TenderAccountType;
  amount: LedgerAmount;
  /** Masked beyond the first 6 digits. */
  cardNumber?: string;
  reference?: string;
  tenderType: TenderType;
}

/** Swagger `CreateQrCodeRequest` (`POST /qrCodes`). */
export interface CreateQrCodeRequest {
  /** A fresh UUID per request. */
  id: string;
  time: string;
  originator: Originator;
  client: Institution;
  thirdPartyIdentifiers?: ThirdPartyIdentifier[];
  rrn?: string;
  stan?: string;
  amounts?: Amounts;
  customer?: Customer;
  qrProperties: QrProperties;
}

/** Swagger `CreateQrCodeResponse` (201 to `POST /qrCodes`). */
export interface CreateQrCodeResponse extends CreateQrCodeRequest {
  /** Names the code in `pay` and the partner's scan. */
  tranId: string;
  /** The TLV payload to render as a QR code. */
  qrCode: string;
}

/** Swagger `PaymentRequest` (`POST /payments`). */
export interface PaymentRequest {
  id: string;
  time: string;
  originator: Originator;
  client: Institution;
  settlementEntity?: Institution;
  receiver?: Institution;
  /** Required, may be empty. */
  thirdPartyIdentifiers: ThirdPartyIdentifier[];
  slipData?: SlipData;
  basketRef?: string;
  tranType?: TranType;
  srcAccType?: AccountType;
  destAccType?: AccountType;
  stan?: string;
  rrn?: string;
  partner?: Institution;
  amounts: Amounts;
  /** The `tranId` of the QR code being paid. */
  tranId: string;
  partnerPaymentToken?: string;
}

/** Swagger `PaymentResponse` (201 to `POST /payments`): the approval. */
export interface PaymentResponse extends Omit<PaymentRequest, 'partner'> {
  /** The partner that processed the payment. */
  partner: Institution;
  tenders?: Tender[];
}

/** The fields the two advices share (Electrum's `BasicAdvice`). */
export interface BasicAdvice {
  /** This advice's own UUID. */
  id: string;
  /** The `id` of the PaymentRequest this advice settles. */
  requestId: string;
  time: string;
  /** Required, may be empty: the payment's identifiers, unaltered. */
  thirdPartyIdentifiers: ThirdPartyIdentifier[];
  stan?: string;
  rrn?: string;
  /** Absent: the full amount. */
  amounts?: Amounts;
  partner?: Institution;
  tranId?: string;
}

/** Swagger `PaymentConfirmation` (`POST /payments/confirmations`). */
export type PaymentConfirmation = BasicAdvice;

/** Swagger `PaymentReversal.reversalReason`. */
export type ReversalReason = 'TIMEOUT' | 'CANCELLED' | 'RESPONSE_NOT_FINAL';

/** Swagger `PaymentReversal` (`POST /payments/reversals`). */
export interface PaymentReversal extends BasicAdvice {
  reversalReason: ReversalReason;
}

/** Swagger `ScanNotification` (`POST /scans`, sent by a partner). */
export interface ScanNotification {
  id: string;
  time: string;
  partner: Institution;
  settlementEntity?: Institution;
  receiver?: Institution;
  thirdPartyIdentifiers?: ThirdPartyIdentifier[];
  amounts?: Amounts;
  tranId: string;
  partnerPaymentToken?: string;
}

/**
 * Swagger `ErrorDetail`: the body of every non-2xx answer. `T` narrows
 * `errorType`: the hub and the HTTP exchange build them with the `ErrorType`
 * enum, which fits the default (the enum's names).
 */
export interface ErrorDetail<T extends ErrorTypeName = ErrorTypeName> {
  id: string;
  /** For advices: the `requestId` they refer to. */
  originalId?: string;
  errorType: T;
  /** At most 40 characters, fit for a till operator. */
  errorMessage: string;
  /** For FORMAT_ERROR: one `{messageProperty, field, error, invalidValue}` per violation. */
  detailMessage?: unknown;
  providerErrorCode?: string;
  providerErrorMsg?: string;
  providerRef?: string;
  tranId?: string;
}
