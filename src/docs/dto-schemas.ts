import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { ISchemaConverters } from 'class-validator-jsonschema/build/defaultConverters';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { LEDGER_AMOUNT_MAP, LedgerAmountDto } from '@app/common/dto/amounts.dto';
import { DATE_TIME_MAX } from '@app/common/validation/date-time';
import { IS_MESSAGE_ID } from '@app/common/validation/message-id';

// class-transformer keeps its @Type metadata here; the package ships the module without typings.
const { defaultMetadataStorage } =
  require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage');

/** Where component schemas live in an OpenAPI 3 document. */
export const SCHEMA_REF_PREFIX = '#/components/schemas/';

/** A DTO class (only its constructor identity and name matter here). */
export type DtoClass = abstract new (...args: never[]) => object;

/**
 * The interface's definition name for a DTO class: `PaymentRequestDto` is the
 * swagger's `PaymentRequest`, so generated `$ref`s line up with the interface.
 */
export function definitionName(dto: DtoClass): string {
  return dto.name.replace(/Dto$/, '');
}

/*
 * Our own validators, which the library cannot know: the date-time check is a
 * string of `format: date-time`, a message id is `format: uuid` (JSON
 * Schema's uuid: the 8-4-4-4-12 hex shape in either case, as the hub
 * accepts it), and the additionalAmounts map is the swagger's
 * `additionalProperties: LedgerAmount`.
 */
const CONVERTERS: ISchemaConverters = {
  isDateTime: { type: 'string', format: 'date-time', maxLength: DATE_TIME_MAX },
  [IS_MESSAGE_ID]: { type: 'string', format: 'uuid' },
  [LEDGER_AMOUNT_MAP]: {
    type: 'object',
    additionalProperties: { $ref: `${SCHEMA_REF_PREFIX}${LedgerAmountDto.name}` },
  },
};

/**
 * JSON schemas of `roots` and every DTO they nest, generated from the
 * class-validator decorators (the same rules the ValidationPipe enforces), so
 * the published contract cannot say one thing while the validation does
 * another. Keys and `$ref`s use the swagger's definition names.
 */
export function dtoSchemas(roots: DtoClass[]): Record<string, SchemaObject> {
  const schemas: Record<string, SchemaObject> = {};
  for (const dto of reachable(roots)) {
    const schema = targetConstructorToSchema(dto as unknown as new () => object, {
      additionalConverters: CONVERTERS,
      classTransformerMetadataStorage: defaultMetadataStorage,
      refPointerPrefix: SCHEMA_REF_PREFIX,
    });
    schemas[definitionName(dto)] = tidy(schema) as SchemaObject;
  }
  return schemas;
}

/** The roots plus every class reached through `@ValidateNested` + `@Type`. */
function reachable(roots: DtoClass[]): DtoClass[] {
  const seen = new Set<DtoClass>();
  const visit = (dto: DtoClass): void => {
    if (seen.has(dto)) return;
    seen.add(dto);
    for (const meta of getMetadataStorage().getTargetValidationMetadatas(dto as never, '', true, false)) {
      if (meta.type !== ValidationTypes.NESTED_VALIDATION) continue;
      const typeMeta = defaultMetadataStorage.findTypeMetadata(meta.target as never, meta.propertyName);
      const nested = typeMeta?.typeFunction() as DtoClass | undefined;
      if (nested) visit(nested);
    }
  };
  roots.forEach(visit);
  // The additionalAmounts map refers to LedgerAmount without @ValidateNested.
  visit(LedgerAmountDto);
  return [...seen];
}

/**
 * Renames `$ref`s to definition names and drops keywords beside a `$ref`
 * (`@IsObject` adds `type: object`), which OpenAPI 3.0 says to ignore anyway.
 */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (typeof node !== 'object' || node === null) return node;
  const record = node as Record<string, unknown>;
  if (typeof record.$ref === 'string') {
    return { $ref: record.$ref.replace(/Dto$/, '') };
  }
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, tidy(value)]));
}
