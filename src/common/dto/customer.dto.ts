import { IsDateTime } from '@app/common/validation/date-time';
import 'reflect-metadata'; // @Type/@Transform read design-time metadata when the class is defined
import { Type } from 'class-transformer';
import { IsEmail, IsObject, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { MaxLength } from '@app/common/validation/length';
import { FREE_TEXT_MAX } from '@app/common/dto/institution.dto';

/** Swagger `Address`; its unanchored patterns are anchored so they constrain the whole value. */
export class AddressDto {
  @IsOptional()
  @IsString()
  @Matches(/^.{1,100}$/)
  addressLine1?: string;

  @IsOptional()
  @IsString()
  @Matches(/^.{1,100}$/)
  addressLine2?: string;

  @IsOptional()
  @IsString()
  @Matches(/^.{1,30}$/)
  city?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Z]{2}$/)
  region?: string;

  /** ISO 3166-1 alpha-2. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z]{2}$/)
  country?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9 -]{1,20}$/)
  postalCode?: string;
}

/** Swagger `Customer`: the person who asks for the transaction. All fields optional. */
export class CustomerDto {
  @IsOptional()
  @IsString()
  @MaxLength(40)
  firstName?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  lastName?: string;

  @IsOptional()
  @IsString()
  @MaxLength(80)
  address?: string;

  /** Swagger `format: date-time`: an RFC 3339 date-time string. */
  @IsOptional()
  @IsDateTime()
  dateOfBirth?: string;

  @IsOptional()
  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  status?: string;

  /** ITU E.164, e.g. 27821234567. */
  @IsOptional()
  @IsString()
  @Matches(/^\+?[1-9]\d{0,14}$/)
  msisdn?: string;

  /** RFC 5322 addr-spec; 254 is the longest address SMTP can carry. */
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  emailAddress?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  addressDetails?: AddressDto;

  @IsOptional()
  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  profileId?: string;
}
