import { IsMessageId } from '@app/common/validation/message-id';
import { IsDateTime } from '@app/common/validation/date-time';
import 'reflect-metadata'; // @Type/@Transform read design-time metadata when the class is defined
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Length, MaxLength } from '@app/common/validation/length';
import { AmountsDto } from '@app/common/dto/amounts.dto';
import { ARRAY_MAX, FREE_TEXT_MAX, InstitutionDto } from '@app/common/dto/institution.dto';
import { TRAN_ID_MAX } from '@app/common/dto/payment-request.dto';
import { ThirdPartyIdentifierDto } from '@app/common/dto/third-party-identifier.dto';

/**
 * The fields the swagger's two advices share (Electrum's `BasicAdvice`):
 * `PaymentConfirmation` is exactly this, `PaymentReversal` adds a reason.
 */
export abstract class BasicAdviceDto {
  /** This advice's own id: UUID-shaped, compared case-insensitively. */
  @IsMessageId()
  id!: string;

  /** The `id` of the `PaymentRequest` this advice settles. */
  @IsMessageId()
  requestId!: string;

  @IsDateTime()
  time!: string;

  /** Required by the swagger, but may be empty: the identifiers of the payment, unaltered. */
  @IsArray()
  @ArrayMaxSize(ARRAY_MAX)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ThirdPartyIdentifierDto)
  thirdPartyIdentifiers!: ThirdPartyIdentifierDto[];

  @IsOptional()
  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  stan?: string;

  @IsOptional()
  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  rrn?: string;

  /** Absent: full confirmation / full reversal (docs/protocol.md §7). */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AmountsDto)
  amounts?: AmountsDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => InstitutionDto)
  partner?: InstitutionDto;

  @IsOptional()
  @IsString()
  @Length(1, TRAN_ID_MAX)
  tranId?: string;
}

/** Swagger `PaymentConfirmation` (`POST /payments/confirmations`): the POS completed the sale (docs/protocol.md §7). */
export class PaymentConfirmationDto extends BasicAdviceDto {}
