import { IsMessageId } from '@app/common/validation/message-id';
import { IsDateTime } from '@app/common/validation/date-time';
import 'reflect-metadata'; // @Type/@Transform read design-time metadata when the class is defined
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { MaxLength } from '@app/common/validation/length';
import { AmountsDto } from '@app/common/dto/amounts.dto';
import { CustomerDto } from '@app/common/dto/customer.dto';
import { ARRAY_MAX, FREE_TEXT_MAX, InstitutionDto } from '@app/common/dto/institution.dto';
import { OriginatorDto } from '@app/common/dto/originator.dto';
import { QrPropertiesDto } from '@app/common/dto/qr-properties.dto';
import { ThirdPartyIdentifierDto } from '@app/common/dto/third-party-identifier.dto';

/**
 * Swagger `CreateQrCodeRequest` (`POST /qrCodes`): a retailer asks for a QR
 * code to show its customer (docs/protocol.md §4).
 */
export class CreateQrCodeRequestDto {
  /** A UUID-shaped id, any version and variant digits, compared case-insensitively. */
  @IsMessageId()
  id!: string;

  /** RFC 3339 date-time as recorded by the sender. */
  @IsDateTime()
  time!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => OriginatorDto)
  originator!: OriginatorDto;

  /** The sender; `client.id` must equal the Basic-auth username (docs/protocol.md §3). */
  @IsObject()
  @ValidateNested()
  @Type(() => InstitutionDto)
  client!: InstitutionDto;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ARRAY_MAX)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ThirdPartyIdentifierDto)
  thirdPartyIdentifiers?: ThirdPartyIdentifierDto[];

  @IsOptional()
  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  rrn?: string;

  @IsOptional()
  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  stan?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AmountsDto)
  amounts?: AmountsDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CustomerDto)
  customer?: CustomerDto;

  @IsObject()
  @ValidateNested()
  @Type(() => QrPropertiesDto)
  qrProperties!: QrPropertiesDto;
}
