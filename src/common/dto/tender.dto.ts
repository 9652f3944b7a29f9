import 'reflect-metadata'; // @Type/@Transform read design-time metadata when the class is defined
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { MaxLength } from '@app/common/validation/length';
import { LedgerAmountDto } from '@app/common/dto/amounts.dto';

/** Swagger `Tender.accountType` (unlike `srcAccType`/`destAccType`, it has no GIFT_CARD). */
export const TENDER_ACCOUNT_TYPES = [
  'DEFAULT',
  'SAVINGS',
  'CHEQUE',
  'CREDIT',
  'UNIVERSAL',
  'ELECTRONIC_PURSE',
  'STORED_VALUE',
] as const;
export type TenderAccountType = (typeof TENDER_ACCOUNT_TYPES)[number];

export const TENDER_TYPES = [
  'CASH',
  'CHEQUE',
  'CREDIT_CARD',
  'DEBIT_CARD',
  'WALLET',
  'ROUNDING',
  'GIFT_CARD',
  'LOYALTY_CARD',
  'OTHER',
] as const;
export type TenderType = (typeof TENDER_TYPES)[number];

/**
 * Swagger `Tender`: how the customer paid, as reported by a partner in its
 * `PaymentResponse` (validated when the hub reads a partner's answer).
 */
export class TenderDto {
  @IsOptional()
  @IsIn(TENDER_ACCOUNT_TYPES)
  accountType?: TenderAccountType;

  @IsObject()
  @ValidateNested()
  @Type(() => LedgerAmountDto)
  amount!: LedgerAmountDto;

  /** PCI-masked: at least the first 6 digits in clear, the rest digits or `*`. Never log beyond the first 6 (docs/protocol.md §3). */
  @IsOptional()
  @IsString()
  @Matches(/^[0-9]{6}[0-9*]{0,13}$/)
  cardNumber?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  reference?: string;

  @IsIn(TENDER_TYPES)
  tenderType!: TenderType;
}
