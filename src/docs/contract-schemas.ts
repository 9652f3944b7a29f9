import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { CreateQrCodeRequestDto } from '@app/common/dto/create-qr-code-request.dto';
import { PaymentConfirmationDto } from '@app/common/dto/payment-confirmation.dto';
import { PaymentRequestDto, TRAN_ID_MAX } from '@app/common/dto/payment-request.dto';
import { PaymentReversalDto } from '@app/common/dto/payment-reversal.dto';
import { ScanNotificationDto } from '@app/common/dto/scan-notification.dto';
import { TenderDto } from '@app/common/dto/tender.dto';
import { ERROR_MESSAGE_MAX } from '@app/errors/error-detail';
import { ERROR_TYPES } from '@app/errors/error-type';
import { dtoSchemas, SCHEMA_REF_PREFIX } from './dto-schemas';

/** A `$ref` to a component schema by its definition name. */
export const schemaRef = (name: string): { $ref: string } => ({ $ref: `${SCHEMA_REF_PREFIX}${name}` });

/* Longest request id the ErrorDetail echoes (errorDetailFor); longer ones get a fresh UUID. */
const ECHOED_ID_MAX = 64;

/**
 * Every schema the five operations use, under the swagger's definition names.
 * Requests come from the DTOs' validation decorators. Responses are built by
 * the hub (plain TypeScript types, nothing to read at run time), so they are
 * derived here from the request schemas they echo, plus the fields the hub adds.
 */
export function contractSchemas(): Record<string, SchemaObject> {
  const schemas = dtoSchemas([
    CreateQrCodeRequestDto,
    PaymentRequestDto,
    PaymentConfirmationDto,
    PaymentReversalDto,
    ScanNotificationDto,
    TenderDto,
  ]);
  schemas.CreateQrCodeResponse = extend(schemas.CreateQrCodeRequest, ['tranId', 'qrCode'], {
    // docs/protocol.md §4: 32 hex characters; the bound is the one payments accept.
    tranId: { type: 'string', minLength: 1, maxLength: TRAN_ID_MAX },
    qrCode: { type: 'string' },
  });
  schemas.PaymentResponse = extend(schemas.PaymentRequest, ['partner'], {
    tenders: { type: 'array', items: schemaRef('Tender') },
  });
  schemas.FieldViolation = fieldViolationSchema();
  schemas.ErrorDetail = errorDetailSchema();
  return schemas;
}

function extend(base: SchemaObject, required: string[], properties: SchemaObject['properties']): SchemaObject {
  return {
    ...base,
    properties: { ...base.properties, ...properties },
    required: [...(base.required ?? []), ...required],
  };
}

/** docs/protocol.md §2: one entry per violation in `detailMessage` of a 400 FORMAT_ERROR. */
function fieldViolationSchema(): SchemaObject {
  return {
    type: 'object',
    required: ['messageProperty', 'field', 'error', 'invalidValue'],
    properties: {
      messageProperty: { type: 'string', description: 'The message, e.g. PaymentRequest' },
      field: { type: 'string', description: 'Dotted path of the field, e.g. amounts.requestAmount.currency' },
      error: { type: 'string' },
      invalidValue: { description: 'The value sent: truncated to 100 characters, secrets masked' },
    },
  };
}

/** docs/protocol.md §2: the body of every non-2xx answer. */
function errorDetailSchema(): SchemaObject {
  return {
    type: 'object',
    required: ['id', 'errorType', 'errorMessage'],
    properties: {
      id: {
        type: 'string',
        maxLength: ECHOED_ID_MAX,
        description: "The failed request's id when it is a sane string, else a fresh UUID",
      },
      originalId: { type: 'string', maxLength: ECHOED_ID_MAX, description: "An advice's requestId" },
      errorType: { type: 'string', enum: [...ERROR_TYPES] },
      errorMessage: { type: 'string', maxLength: ERROR_MESSAGE_MAX, description: 'Fit for a till operator' },
      detailMessage: {
        description:
          'FORMAT_ERROR: every violation (the first 50, then one entry counting the rest); otherwise details for operators',
        oneOf: [{ type: 'array', items: schemaRef('FieldViolation') }, { type: 'object' }],
      },
      providerErrorCode: { type: 'string', description: "The partner's own code, relayed" },
      providerErrorMsg: { type: 'string' },
      providerRef: { type: 'string' },
      tranId: { type: 'string', maxLength: ECHOED_ID_MAX },
    },
  };
}
