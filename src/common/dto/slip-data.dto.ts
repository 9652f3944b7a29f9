import 'reflect-metadata'; // @Type/@Transform read design-time metadata when the class is defined
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { MaxLength } from '@app/common/validation/length';
import { ARRAY_MAX, FREE_TEXT_MAX } from '@app/common/dto/institution.dto';

const INT32_MAX = 2_147_483_647;

/** Swagger `Barcode`: barcode printed on a slip line. */
export class BarcodeDto {
  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  data!: string;

  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  encoding!: string;
}

/** Swagger `SlipLine`: one line of the till slip. */
export class SlipLineDto {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BarcodeDto)
  barcode?: BarcodeDto;

  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  text!: string;

  /** Swagger `number/double`; 1.0 when absent. */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  fontWidthScaleFactor?: number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  fontHeightScaleFactor?: number;

  @IsOptional()
  @IsBoolean()
  line?: boolean;

  @IsOptional()
  @IsBoolean()
  cut?: boolean;
}

/** Swagger `SlipData`: text the POS may print on the customer slip. */
export class SlipDataDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ARRAY_MAX)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SlipLineDto)
  messageLines?: SlipLineDto[];

  /** Swagger `integer/int32`, in normal characters. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(INT32_MAX)
  slipWidth?: number;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Z0-9]{1,40}$/)
  issuerReference?: string;
}
