import { IsMessageId } from '@app/common/validation/message-id';
import { IsDateTime } from '@app/common/validation/date-time';
import 'reflect-metadata'; // @Type/@Transform read design-time metadata when the class is defined
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Length, MaxLength } from '@app/common/validation/length';
import { AmountsDto } from '@app/common/dto/amounts.dto';
import { ARRAY_MAX, InstitutionDto } from '@app/common/dto/institution.dto';
import { PARTNER_PAYMENT_TOKEN_MAX, TRAN_ID_MAX } from '@app/common/dto/payment-request.dto';
import { ThirdPartyIdentifierDto } from '@app/common/dto/third-party-identifier.dto';

/**
 * Swagger `ScanNotification` (`POST /scans`): a partner's customer scanned the
 * QR code for `tranId` (docs/protocol.md §6).
 */
export class ScanNotificationDto {
  /** A UUID-shaped id, any version and variant digits, compared case-insensitively. */
  @IsMessageId()
  id!: string;

  @IsDateTime()
  time!: string;

  /** The partner; `partner.id` must equal the Basic-auth username (docs/protocol.md §3). */
  @IsObject()
  @ValidateNested()
  @Type(() => InstitutionDto)
  partner!: InstitutionDto;

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

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ARRAY_MAX)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ThirdPartyIdentifierDto)
  thirdPartyIdentifiers?: ThirdPartyIdentifierDto[];

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AmountsDto)
  amounts?: AmountsDto;

  @IsString()
  @Length(1, TRAN_ID_MAX)
  tranId!: string;

  /** Echoed to the partner in the hub's `PaymentRequest`; a secret, never logged (docs/protocol.md §3). */
  @IsOptional()
  @IsString()
  @MaxLength(PARTNER_PAYMENT_TOKEN_MAX)
  partnerPaymentToken?: string;
}
