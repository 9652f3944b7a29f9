import 'reflect-metadata'; // @Type/@Transform read design-time metadata when the class is defined
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  registerDecorator,
  ValidateNested,
  validateSync,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';
import { ARRAY_MAX } from '@app/common/dto/institution.dto';

export const LEDGER_INDICATORS = ['DEBIT', 'CREDIT'] as const;
export type LedgerIndicator = (typeof LEDGER_INDICATORS)[number];

/**
 * Swagger `LedgerAmount`. Money is integer minor units (R799.95 = 79995) and a
 * JS number is exact only up to 2^53 - 1, so anything larger is rejected
 * rather than silently rounded (STYLE: money).
 */
export class LedgerAmountDto {
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  /** ISO 4217 numeric code, e.g. "710" for ZAR (swagger pattern `[0-9]{3}`, anchored). */
  @IsString()
  @Matches(/^[0-9]{3}$/)
  currency!: string;

  @IsOptional()
  @IsIn(LEDGER_INDICATORS)
  ledgerIndicator?: LedgerIndicator;
}

/** Constraint name of `@IsLedgerAmountMap()`; `flattenValidationErrors` expands it per entry. */
export const LEDGER_AMOUNT_MAP = 'isLedgerAmountMap';
const MAP_KEY_MAX = 64;

/** One problem inside an `additionalAmounts` map; `path` is relative to the map (`tip.currency`). */
export interface MapEntryViolation {
  path: string;
  message: string;
  value: unknown;
}

function isObjectLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates every value of a `{ [name]: LedgerAmount }` map the way
 * `@ValidateNested` validates a property. class-validator only walks arrays,
 * Sets and Maps, and a JS `Map` would serialise to `{}`, so the DTO keeps a
 * plain object and this checks its entries. Unknown properties of an entry are
 * stripped (whitelist), as they are everywhere else.
 */
export function ledgerAmountMapViolations(map: unknown): MapEntryViolation[] {
  if (!isObjectLike(map)) {
    return [{ path: '', message: 'additionalAmounts must be an object', value: map }];
  }
  const entries = Object.entries(map);
  if (entries.length > ARRAY_MAX) {
    return [{ path: '', message: `additionalAmounts must contain no more than ${ARRAY_MAX} entries`, value: map }];
  }
  const violations: MapEntryViolation[] = [];
  for (const [key, entry] of entries) {
    if (key.length === 0 || key.length > MAP_KEY_MAX) {
      violations.push({
        path: key,
        message: `additionalAmounts keys must be 1 to ${MAP_KEY_MAX} characters`,
        value: key,
      });
    }
    if (!isObjectLike(entry)) {
      violations.push({ path: key, message: `${key} must be a LedgerAmount object`, value: entry });
      continue;
    }
    const amount = entry instanceof LedgerAmountDto ? entry : plainToInstance(LedgerAmountDto, entry);
    for (const error of validateSync(amount, { whitelist: true, forbidUnknownValues: true })) {
      for (const message of Object.values(error.constraints ?? {})) {
        violations.push({ path: `${key}.${error.property}`, message, value: error.value });
      }
    }
  }
  return violations;
}

/** Property decorator: the value is an object whose every value is a valid `LedgerAmount`. */
export function IsLedgerAmountMap(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: LEDGER_AMOUNT_MAP,
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => ledgerAmountMapViolations(value).length === 0,
        // One message for the property; the pipe reports each entry separately.
        defaultMessage: (args?: ValidationArguments) =>
          ledgerAmountMapViolations(args?.value)
            .map((v) => (v.path ? `${v.path}: ${v.message}` : v.message))
            .join('; '),
      },
    });
  };
}

/** Turn each object entry into a `LedgerAmountDto` so whitelisting can strip its unknown keys. */
function toLedgerAmountMap({ value }: { value: unknown }): unknown {
  if (!isObjectLike(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [
      key,
      isObjectLike(entry) ? plainToInstance(LedgerAmountDto, entry) : entry,
    ]),
  );
}

/** Swagger `Amounts`. Absent amounts have zero value. */
export class AmountsDto {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LedgerAmountDto)
  requestAmount?: LedgerAmountDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LedgerAmountDto)
  approvedAmount?: LedgerAmountDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LedgerAmountDto)
  feeAmount?: LedgerAmountDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LedgerAmountDto)
  balanceAmount?: LedgerAmountDto;

  /** Swagger `additionalProperties: LedgerAmount`: named amounts that fit nowhere else. */
  @IsOptional()
  @IsLedgerAmountMap()
  @Transform(toLedgerAmountMap)
  additionalAmounts?: Record<string, LedgerAmountDto>;
}
