import 'reflect-metadata'; // @Type/@Transform read design-time metadata when the class is defined
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { Length, MaxLength } from '@app/common/validation/length';
import { InstitutionDto } from '@app/common/dto/institution.dto';

/** Swagger `MerchantName`: name and location as printed/encoded (EMVCo tags 59/60). */
export class MerchantNameDto {
  @IsString()
  @MaxLength(23)
  name!: string;

  @IsString()
  @MaxLength(13)
  city!: string;

  @IsString()
  @MaxLength(2)
  region!: string;

  @IsString()
  @MaxLength(2)
  country!: string;
}

/** Swagger `Merchant`. */
export class MerchantDto {
  /** Four-digit merchant category code (swagger pattern `[0-9]{4}`, anchored). */
  @IsString()
  @Matches(/^[0-9]{4}$/)
  merchantType!: string;

  /** Card acceptor id: exactly 15 characters. */
  @IsString()
  @Length(15, 15)
  merchantId!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => MerchantNameDto)
  merchantName!: MerchantNameDto;
}

/** Swagger `Originator`: the institution, terminal and merchant a request comes from. */
export class OriginatorDto {
  @IsObject()
  @ValidateNested()
  @Type(() => InstitutionDto)
  institution!: InstitutionDto;

  /** Exactly 8 characters. */
  @IsString()
  @Length(8, 8)
  terminalId!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => MerchantDto)
  merchant!: MerchantDto;

  @IsOptional()
  @IsString()
  @MaxLength(30)
  operatorId?: string;
}
