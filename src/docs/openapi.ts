import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type {
  ContentObject,
  OperationObject,
  PathItemObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { API_TAGS } from '@app/operations/api-docs';
import { OperationTable } from '@app/operations/operation-table';
import { documentOperations, OPERATOR_GATE_FAILURES } from './api-operations';
import { BASIC_AUTH } from './api-security';
import { contractSchemas, schemaRef } from './contract-schemas';
import { dtoSchemas } from './dto-schemas';

/** Where the Swagger UI is served; the JSON document is at `/docs-json` (docs/protocol.md §11). */
export const DOCS_PATH = 'docs';

/** The interface the hub speaks, named as README.md names it. */
export const INTERFACE_NAME = 'Electrum QR Payment Retailer Interface';

/** The version of the interface the hub speaks. */
export const INTERFACE_VERSION = '1.7.0';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * The hub's OpenAPI document, generated from the running code: each
 * operation from its declaration in the operations table, message schemas
 * from the DTOs' validation decorators (see contract-schemas.ts), the
 * operator API and the operations endpoints from their controllers'
 * decorators. Every operation is listed under exactly one of the tags of
 * `API_TAGS` (no tag made up from a controller's name).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const operations = app.get(OperationTable);
  documentOperations(operations);
  const builder = new DocumentBuilder()
    .setTitle(`QR payment hub: ${INTERFACE_NAME}`)
    .setDescription(
      `The ${INTERFACE_NAME} ${INTERFACE_VERSION} under /qr/v1 (HTTP Basic auth: the username is the institution id), ` +
        'the operator API under /admin/v1, and the operations endpoints (health, metrics).',
    )
    .setVersion(INTERFACE_VERSION)
    .addBasicAuth({ type: 'http', scheme: 'basic' }, BASIC_AUTH);
  for (const tag of API_TAGS) builder.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, builder.build(), { autoTagControllers: false });
  const generated = contractSchemas();
  // Messages of operations beside the interface's own, generated from their DTOs the same way.
  const dtos = operations.operations.flatMap((op) => (op.messageDto ? [op.messageDto] : []));
  for (const [name, schema] of Object.entries(dtoSchemas(dtos))) generated[name] ??= schema;
  // Nest adds an empty schema for each @Body() class it sees; ours replace them.
  const kept = Object.entries(document.components?.schemas ?? {}).filter(([name]) => !/Dto$/.test(name));
  document.components = { ...document.components, schemas: { ...Object.fromEntries(kept), ...generated } };
  completeOperatorAnswers(document);
  return document;
}

/**
 * Every operator API route is refused alike before it runs (docs/protocol.md §3):
 * its 401, 403 and 429 are added here, so a controller declares only its own
 * answers and no route can forget them. Every failure answer is an
 * `ErrorDetail` (docs/protocol.md §2), also one a controller declared without a body.
 */
function completeOperatorAnswers(document: OpenAPIObject): void {
  const errorDetail = (): ContentObject => ({ 'application/json': { schema: schemaRef('ErrorDetail') } });
  for (const item of Object.values(document.paths) as PathItemObject[]) {
    for (const method of METHODS) {
      const operation: OperationObject | undefined = item[method];
      if (!operation?.tags?.includes('operator')) continue;
      for (const [status, description] of Object.entries(OPERATOR_GATE_FAILURES)) {
        operation.responses[status] ??= { description };
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (response && 'description' in response && /^[45]\d\d$/.test(status)) response.content ??= errorDetail();
      }
    }
  }
}

/**
 * Serves the Swagger UI at `/docs` and the document at `/docs-json`, built on
 * first request. These are not Nest routes, so the global guard does not see
 * them: they need no credentials unless OPS_AUTH=operator (ops-access.ts).
 */
export function setupDocs(app: INestApplication): void {
  let document: OpenAPIObject | undefined;
  SwaggerModule.setup(DOCS_PATH, app, () => (document ??= buildOpenApiDocument(app)), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    raw: ['json'],
    customSiteTitle: 'QR payment hub API',
  });
}
