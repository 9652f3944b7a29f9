import { IsDateTime } from '@app/common/validation/date-time';
import 'reflect-metadata'; // @Type/@Transform read design-time metadata when the class is defined
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { MaxLength } from '@app/common/validation/length';
import { LedgerAmountDto } from '@app/common/dto/amounts.dto';
import { FREE_TEXT_MAX } from '@app/common/dto/institution.dto';

export const QR_SCHEMES = ['EMVCO_MERCHANT', 'PSEUDO_EMVCO_MERCHANT', 'ELECTRUM_MERCHANT_MINIMAL'] as const;
export type QrScheme = (typeof QR_SCHEMES)[number];

/** Swagger `QrProperties`: how a QR code may be used. */
export class QrPropertiesDto {
  @IsOptional()
  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  uuid?: string;

  /** The QR code's amount; payments are checked against it (docs/protocol.md §5). */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LedgerAmountDto)
  value?: LedgerAmountDto;

  @IsOptional()
  @IsBoolean()
  overPaymentAllowed?: boolean;

  @IsOptional()
  @IsBoolean()
  partPaymentAllowed?: boolean;

  /**
   * The swagger types this as a Java `OffsetDateTime` object but describes an
   * RFC 3339 string; only the string is accepted (docs/protocol.md §4).
   */
  @IsOptional()
  @IsDateTime()
  expiryDate?: string;

  @IsOptional()
  @IsBoolean()
  singleUse?: boolean;

  /** Defaults to `ELECTRUM_MERCHANT_MINIMAL` when absent (docs/protocol.md §4). */
  @IsOptional()
  @IsIn(QR_SCHEMES)
  scheme?: QrScheme;
}
