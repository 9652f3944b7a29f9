import { IsString } from 'class-validator';
import { MaxLength } from '@app/common/validation/length';

/**
 * Generous cap on free-text strings the swagger leaves unbounded (ids, stan,
 * rrn, …): big enough for any real value, small enough that a hostile body
 * cannot make us store or echo megabytes.
 */
export const FREE_TEXT_MAX = 256;

/** Cap on every array in a message: real messages carry a handful of items. */
export const ARRAY_MAX = 50;

/** Swagger `Institution`: originating, acquiring, processing or receiving institution. */
export class InstitutionDto {
  /** The institution's id; for `client`/`partner` it is also the Basic-auth username (docs/protocol.md §3). */
  @IsString()
  @MaxLength(FREE_TEXT_MAX)
  id!: string;

  @IsString()
  @MaxLength(40)
  name!: string;
}
