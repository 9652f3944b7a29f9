import { IsMessageId } from '@app/common/validation/message-id';
import { IsDateTime } from '@app/common/validation/date-time';
import 'reflect-metadata'; // @Type/@Transform read design-time metadata when the class is defined
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Length, MaxLength } from '@app/common/validation/length';
import { AmountsDto } from '@app/common/dto/amounts.dto';
import { ARRAY_MAX, FREE_TEXT_MAX, InstitutionDto } from '@app/common/dto/institution.dto';
import { OriginatorDto } from '@app/common/dto/originator.dto';
import { SlipDataDto } from '@app/common/dto/slip-data.dto';
import { ThirdPartyIdentifierDto } from '@app/common/dto/third-party-identifier.dto';

export const TRAN_TYPES = [
  'GOODS_AND_SERVICES',
  'CASH_WITHDRAWAL',
  'DEBIT_ADJUSTMENT',
  'GOODS_AND_SERVICES_WITH_CASH_BACK',
  'NON_CASH',
  'RETURNS',
  'DEPOSIT',
  'CREDIT_ADJUSTMENT',
  'GENERAL_CREDIT',
  'AVAILABLE_FUNDS_INQUIRY',
  'BALANCE_INQUIRY',
  'GENERAL_INQUIRY',
  'CARD_VERIFICATION_INQUIRY',
  'CARDHOLDER_ACCOUNTS_TRANSFER',
  'GENERAL_TRANSFER',
  'PAYMENT_FROM_ACCOUNT',
  'GENERAL_PAYMENT',
  'PAYMENT_TO_ACCOUNT',
  'PAYMENT_FROM_ACCOUNT_TO_ACCOUNT',
  'PLACE_HOLD_ON_CARD',
  'GENERAL_ADMIN',
  'CHANGE_PIN',
  'CARD_HOLDER_INQUIRY',
  'POINTS_INQUIRY',
] as const;
export type TranType = (typeof TRAN_TYPES)[number];

/** `srcAccType` / `destAccType` values (unlike `Tender.accountType`, they include GIFT_CARD). */
export const ACCOUNT_TYPES = [
  'DEFAULT',
  'SAVINGS',
  'CHEQUE',
  'CREDIT',
  'UNIVERSAL',
  'ELECTRONIC_PURSE',
  'GIFT_CARD',
  'STORED_VALUE',
] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

/** `tranId` bounds: the hub issues 32 hex chars (docs/protocol.md §4); 64 leaves room for other providers. */
export const TRAN_ID_MAX = 64;
export const PARTNER_PAYMENT_TOKEN_MAX = 512;

/**
 * Swagger `PaymentRequest` (`POST /payments`): pay against the QR code named
 * by `tranId` (docs/protocol.md §5). The hub also sends this upstream to partners.
 */
export class PaymentRequestDto {
  /** A UUID-shaped id, any version and variant digits, compared case-insensitively. */
  @IsMessageId()
  id!: string;

  @IsDateTime()
  time!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => OriginatorDto)
  originator!: OriginatorDto;

  @IsObject()
  @ValidateNested()
  @Type(() => InstitutionDto)
  client!: InstitutionDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => InstitutionDto)
  settlementEntity?: InstitutionDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => InstitutionDto)
  receiver?: InstitutionDto;

  /** Required by the swagger, but may be empty. */
  @IsArray()
  @ArrayMaxSize(ARRAY_MAX)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ThirdPartyIdentifierDto)
  thirdPartyIdentifiers!: ThirdPartyIdentifierDto[];

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SlipDataDto)
  slipData?: SlipDataDto;

  @IsOptional()
  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  basketRef?: string;

  @IsOptional()
  @IsIn(TRAN_TYPES)
  tranType?: TranType;

  @IsOptional()
  @IsIn(ACCOUNT_TYPES)
  srcAccType?: AccountType;

  @IsOptional()
  @IsIn(ACCOUNT_TYPES)
  destAccType?: AccountType;

  @IsOptional()
  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  stan?: string;

  @IsOptional()
  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  rrn?: string;

  /** The partner whose customer scanned the code, when the retailer knows it (docs/protocol.md §5.3). */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => InstitutionDto)
  partner?: InstitutionDto;

  @IsObject()
  @ValidateNested()
  @Type(() => AmountsDto)
  amounts!: AmountsDto;

  /** The `tranId` of the `CreateQrCodeResponse` this payment is for. */
  @IsString()
  @Length(1, TRAN_ID_MAX)
  tranId!: string;

  /** A secret from the partner's scan; never logged (docs/protocol.md §3). */
  @IsOptional()
  @IsString()
  @MaxLength(PARTNER_PAYMENT_TOKEN_MAX)
  partnerPaymentToken?: string;
}
