import { IsString } from 'class-validator';
import { MaxLength } from '@app/common/validation/length';
import { FREE_TEXT_MAX } from '@app/common/dto/institution.dto';

/**
 * Swagger `ThirdPartyIdentifier`: one entity's own id for the transaction.
 * Entities must pass on identifiers set by others unaltered.
 */
export class ThirdPartyIdentifierDto {
  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  institutionId!: string;

  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  transactionIdentifier!: string;
}
