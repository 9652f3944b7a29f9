import { applyDecorators } from '@nestjs/common';
import { ApiBasicAuth, ApiResponse, ApiTags } from '@nestjs/swagger';

/*
 * What a controller needs to appear in the API document (/docs-json) as the
 * rest of it does. Here, beside the route-access decorators, rather than in
 * src/docs/: src/docs/ is the top layer (it reads every controller), so a
 * controller may not import from it.
 */

/** Name of the Basic-auth security scheme in the OpenAPI document, as the interface calls it. */
export const BASIC_AUTH = 'httpBasic';

/**
 * The document's tags, in the order it declares them: every operation is
 * listed under exactly one (test/e2e/api-document.e2e-spec.ts).
 */
export const API_TAGS = [
  {
    name: 'retailer',
    description:
      "What a retailer's till calls (docs/protocol.md §4, §5, §7): issue a QR code and fetch its image, pay against it, " +
      'confirm or reverse the payment. Basic auth with the retailer credential.',
  },
  {
    name: 'partner',
    description:
      "What a partner (the customer's wallet or bank app) calls: the scan notification (docs/protocol.md §6). " +
      'Basic auth with the partner credential.',
  },
  {
    name: 'operator',
    description:
      'The operator API under /admin/v1 (docs/protocol.md §11), what the console shows: Basic auth with the credential ' +
      'of an institution with role operator (reads and acts) or viewer (reads only).',
  },
  {
    name: 'operations',
    description:
      'Health and metrics (docs/protocol.md §11): open, or behind an operator credential with OPS_AUTH=operator ' +
      '(the default in production).',
  },
] as const;

export type ApiTag = (typeof API_TAGS)[number]['name'];

/**
 * On an operator API controller (`/admin/v1/…`): its routes are listed under
 * `operator` and need the Basic credential. The same as `@ApiTags('operator')`
 * with `@ApiBasicAuth(BASIC_AUTH)`; the document adds each route's 401, 403
 * and 429 (src/docs/openapi.ts).
 */
export const OperatorApi = (): ClassDecorator & MethodDecorator =>
  applyDecorators(ApiTags('operator' satisfies ApiTag), ApiBasicAuth(BASIC_AUTH));

/** An answer whose body is an `ErrorDetail` (docs/protocol.md §2), e.g. an operator route's 400 or 404. */
export const ApiErrorResponse = (status: number, description: string): ClassDecorator & MethodDecorator =>
  ApiResponse({ status, description, schema: { $ref: '#/components/schemas/ErrorDetail' } });
